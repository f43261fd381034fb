"""Every write to a statement's text: starting a statement and saving revisions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.actions import record
from delegations.models import Body, Delegation
from drafts import permissions
from drafts.errors import EditingClosed, StaleEdit
from drafts.models import Revision, Statement
from drafts.text import canonical_text, content_hash


def _delegation_name(actor: Any) -> str:
    return actor.delegation.name if getattr(actor, "delegation", None) else ""


def _new_revision(actor: Any, statement: Statement, text: str, parent: Revision | None) -> Revision:
    canonical = canonical_text(text)
    if not canonical:
        raise ValueError("A statement's text cannot be empty.")
    if len(canonical.encode("utf-8")) > settings.ACCORD_MAX_TEXT_BYTES:
        raise ValueError("A statement's text is too long.")
    return Revision.objects.create(
        statement=statement,
        number=(parent.number + 1) if parent else 1,
        text=canonical,
        content_hash=content_hash(canonical),
        author=actor,
        delegation=getattr(actor, "delegation", None),
        parent=parent,
        statement_state=statement.state,
    )


@transaction.atomic
def start_statement(
    actor: Any,
    *,
    title: str,
    kind: str,
    body: Body,
    pen_holders: Iterable[Delegation],
    text: str,
    min_signatures: int = 1,
) -> Statement:
    """Create a statement in draft with its first revision.

    Who may start one, and the grants that follow, are ``workflow``'s concern: call
    ``workflow.actions.create_statement``, not this.
    """
    statement = Statement.objects.create(
        title=title.strip(),
        kind=kind,
        body=body,
        min_signatures=min_signatures,
        created_by=actor,
    )
    statement.pen_holders.set(pen_holders)
    revision = _new_revision(actor, statement, text, parent=None)
    statement.current_revision = revision
    statement.save(update_fields=["current_revision"])
    record(
        actor,
        "drafts.start_statement",
        statement,
        after={
            "title": statement.title,
            "kind": kind,
            "body": body.name,
            "pen_holders": sorted(d.code for d in statement.pen_holders.all()),
            "revision": 1,
            "hash": revision.content_hash,
        },
        delegation=_delegation_name(actor),
    )
    return statement


@transaction.atomic
def save_revision(actor: Any, statement: Statement, *, text: str, base: Revision) -> Revision:
    """Save ``text`` as the statement's next revision, made from ``base``.

    Raises ``PermissionDenied`` if the person does not hold the pen, ``EditingClosed`` once
    sign-on has opened, and ``StaleEdit`` if someone saved after ``base``: nothing newer is
    ever overwritten. ``ValueError`` for an empty or oversized text.
    """
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    if not permissions.can_edit(actor, locked):
        raise PermissionDenied("Only delegates of the pen-holding delegations may edit this text.")
    if not locked.is_open_for_editing:
        raise EditingClosed(
            f"This statement is in {locked.get_state_display().lower()}; its text can no longer "
            "be edited. Ask the chair to return it to drafting."
        )
    if base.statement_id != locked.pk:
        raise StaleEdit("That revision belongs to another statement.")
    if locked.current_revision_id != base.pk:
        current = locked.current_revision
        raise StaleEdit(
            f"Revision {current.number if current else '?'} was saved after you began editing "
            f"revision {base.number}. Your text has not been saved; copy it, reload, and apply "
            "your changes to the newer text."
        )
    if canonical_text(text) == base.text:
        return base
    revision = _new_revision(actor, locked, text, parent=base)
    locked.current_revision = revision
    locked.save(update_fields=["current_revision", "updated_at"])
    record(
        actor,
        "drafts.save_revision",
        locked,
        before={"revision": base.number, "hash": base.content_hash},
        after={"revision": revision.number, "hash": revision.content_hash},
        delegation=_delegation_name(actor),
    )
    statement.current_revision = revision
    return revision


# Which details each state still lets change: the title names what signatories sign, so it is
# fixed once sign-on opens; the minimum number of signatures may be set until publication.
DETAILS_EDITABLE_IN = {
    Statement.State.DRAFT: {"title", "min_signatures"},
    Statement.State.CONSULTATION: {"title", "min_signatures"},
    Statement.State.SIGN_ON: {"min_signatures"},
}


@transaction.atomic
def change_details(
    actor: Any, statement: Statement, *, title: str, min_signatures: int
) -> Statement:
    """Change a statement's title or minimum signatures, where its state still allows it.

    Only coordinators may; ``Conflict`` names what the state no longer lets change.
    """
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    if not (actor.is_authenticated and actor.is_coordinator):
        raise PermissionDenied("Only coordinators may change a statement's details.")
    wanted = {"title": title.strip(), "min_signatures": min_signatures}
    changed = {name for name, value in wanted.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    allowed = DETAILS_EDITABLE_IN.get(Statement.State(locked.state), set())
    refused = sorted(changed - allowed)
    if refused:
        names = " and ".join(name.replace("_", " ") for name in refused)
        raise EditingClosed(
            f"This statement is in {locked.get_state_display().lower()}; its {names} can no "
            "longer change."
        )
    before = {name: getattr(locked, name) for name in sorted(changed)}
    for name in changed:
        setattr(locked, name, wanted[name])
    locked.save(update_fields=[*sorted(changed), "updated_at"])
    record(
        actor,
        "drafts.change_details",
        locked,
        before=before,
        after={name: getattr(locked, name) for name in sorted(changed)},
        delegation=_delegation_name(actor),
    )
    return locked
