"""Every write to a statement's text: starting a statement and saving revisions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from audit.actions import record
from delegations.models import Body, Delegation, User
from drafts import permissions
from drafts.errors import EditingClosed, InvalidText, MergeConflict, StaleEdit
from drafts.merge import merge
from drafts.models import Revision, Statement
from drafts.text import canonical_text, content_hash
from notifications.actions import notify
from notifications.live import broadcast_on_commit, statement_group
from notifications.models import Event


def _delegation_name(actor: Any) -> str:
    return actor.delegation.name if getattr(actor, "delegation", None) else ""


def _checked(text: str) -> str:
    """``text`` in canonical form; ``InvalidText`` if it is empty or over the size limit."""
    canonical = canonical_text(text)
    if not canonical:
        raise InvalidText("A statement's text cannot be empty.")
    size = len(canonical.encode("utf-8"))
    if size > settings.ACCORD_MAX_TEXT_BYTES:
        raise InvalidText(
            f"The text is {size // 1000} KB; the most a statement may hold is "
            f"{settings.ACCORD_MAX_TEXT_BYTES // 1000} KB."
        )
    return canonical


def _new_revision(
    actor: Any,
    statement: Statement,
    text: str,
    parent: Revision | None,
    *,
    started_from: Revision | None = None,
) -> Revision:
    canonical = _checked(text)
    return Revision.objects.create(
        statement=statement,
        number=(parent.number + 1) if parent else 1,
        text=canonical,
        content_hash=content_hash(canonical),
        author=actor,
        delegation=getattr(actor, "delegation", None),
        parent=parent,
        started_from=started_from or parent,
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
    """Save ``text``, written from revision ``base``, as the statement's next revision.

    If ``base`` is still the latest revision, ``text`` becomes the next one. If someone saved
    since, the two edits are merged three ways (``drafts.merge``): when they touch different
    text, the merged text is saved as the next revision, its parent the newest revision, and the
    authors of the revisions it was merged with are credited as its co-authors. Returns the
    revision that now holds the text: the one that was current if ``text`` changes nothing.

    Raises ``PermissionDenied`` if the person does not hold the pen, ``EditingClosed`` once
    sign-on has opened, ``StaleEdit`` for a base revision of another statement,
    ``MergeConflict`` when both edits changed the same words (nothing is saved: a newer text is
    never overwritten), and ``InvalidText`` for an empty or oversized text.
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
    current = locked.current_revision or base
    mine = _checked(text)
    merged: dict[str, Any] = {}
    if current.pk == base.pk:
        if mine == base.text:
            return base
        revision = _new_revision(actor, locked, mine, parent=base)
    else:
        newer = list(
            locked.revisions.filter(number__gt=base.number)
            .select_related("author", "delegation")
            .order_by("number")
        )
        result = merge(base.text, current.text, mine)
        if not result.clean:
            raise MergeConflict(
                _conflict_message(base, newer, len(result.conflicts)),
                base=base,
                current=current,
                newer=newer,
                conflicts=result.conflicts,
                text=mine,
                proposal=result.text,
            )
        if result.text == current.text:
            return current  # the newer text already says everything this edit says
        revision = _new_revision(actor, locked, result.text, parent=current, started_from=base)
        others = {r.author_id: r.author for r in newer if r.author_id != actor.pk}
        co_authors = list(others.values())
        revision.co_authors.set(co_authors)
        merged = {
            "merged": {
                "started_from": base.number,
                "merged_with": [r.number for r in newer],
                "co_authors": [str(author) for author in co_authors],
            }
        }
    locked.current_revision = revision
    locked.save(update_fields=["current_revision", "updated_at"])
    record(
        actor,
        "drafts.save_revision",
        locked,
        before={"revision": current.number, "hash": current.content_hash},
        after={"revision": revision.number, "hash": revision.content_hash, **merged},
        delegation=_delegation_name(actor),
    )
    _tell_of_revision(actor, locked, revision, previous=current)
    statement.current_revision = revision
    return revision


def _tell_of_revision(
    actor: Any, statement: Statement, revision: Revision, previous: Revision
) -> None:
    """Tell the drafting group and the body's chairs, and every page open on the statement."""
    compare = reverse("drafts:compare", args=[statement.pk])
    link = f"{compare}?from={previous.number}&to={revision.number}"
    notify(
        Event.NEW_REVISION,
        actor=actor,
        subject=statement,
        recipients=User.objects.filter(
            Q(delegation__in=statement.pen_holders.all()) | Q(chaired_bodies=statement.body_id),
            is_active=True,
        ).distinct(),
        link=link,
        detail=f"Revision {revision.number}",
    )
    delegation = getattr(actor, "delegation", None)
    broadcast_on_commit(
        statement_group(statement.pk),
        lambda: {
            "type": "statement.changed",
            "statement": statement.pk,
            "change": "new_revision",
            "state": statement.state,
            "state_label": statement.get_state_display(),
            "state_changed": False,
            "revision": revision.number,
            "compare": link,
            "actor": f"{actor} ({delegation})" if delegation else str(actor),
        },
    )


def _conflict_message(base: Revision, newer: list[Revision], collisions: int) -> str:
    numbers = (
        f"Revision {newer[0].number} was"
        if len(newer) == 1
        else f"Revisions {newer[0].number} to {newer[-1].number} were"
    )
    places = "one place" if collisions == 1 else f"{collisions} places"
    return (
        f"{numbers} saved after you began editing revision {base.number}, and changed the same "
        f"words as you in {places}. Nothing was saved: settle the wording there and save again."
    )


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
