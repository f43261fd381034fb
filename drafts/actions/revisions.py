"""Starting a statement, saving revisions of its text and changing its details.

Every revision records its paragraphs (``RevisionParagraph``) and which paragraph of the
revision before each one is, so a paragraph keeps its identity from revision to revision; and
every revision rebases the open amendments whose paragraph it changed, or marks them outdated.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.actions import record
from delegations.actions import delegation_of
from delegations.models import Body, Delegation, User
from drafts import audience, notices, permissions
from drafts.amending import OutdatedBecause, carry_over, checked_text
from drafts.diff import correspondence
from drafts.errors import EditingClosed, MergeConflict, StaleEdit
from drafts.live import announce
from drafts.merge import merge
from drafts.models import Amendment, Paragraph, Revision, RevisionParagraph, Statement
from drafts.paragraphs import blocks
from drafts.text import content_hash
from notifications.actions import notify
from notifications.wording import Detail, DetailCode, detail

State = Statement.State


def new_revision(
    actor: User,
    statement: Statement,
    text: str,
    parent: Revision | None,
    *,
    started_from: Revision | None = None,
    amendment: Amendment | None = None,
    continues: Mapping[int, int] | None = None,
) -> tuple[Revision, list[RevisionParagraph]]:
    """Write the next revision and its paragraphs; returns both.

    ``continues`` says which paragraph of the parent each new paragraph is (new index → the
    parent's index); without it, the two texts are compared to find out.
    """
    canonical = checked_text(text)
    revision = Revision.objects.create(
        statement=statement,
        number=(parent.number + 1) if parent else 1,
        text=canonical,
        content_hash=content_hash(canonical),
        author=actor,
        delegation=getattr(actor, "delegation", None),
        parent=parent,
        started_from=started_from or parent,
        statement_state=statement.state,
        amendment=amendment,
    )
    return revision, _record_paragraphs(statement, revision, parent, continues)


def _record_paragraphs(
    statement: Statement,
    revision: Revision,
    parent: Revision | None,
    continues: Mapping[int, int] | None,
) -> list[RevisionParagraph]:
    """Give each paragraph of ``revision`` its identity: the parent's paragraph it continues
    (kept, edited in place or moved), or a new one with a new key."""
    new_texts = [block.text for block in blocks(revision.text)]
    previous: list[RevisionParagraph] = []
    if parent is not None:
        previous = list(parent.paragraphs.select_related("paragraph").order_by("position"))
    if continues is None:
        continues = correspondence([row.text for row in previous], new_texts)
    taken = set(Paragraph.objects.filter(statement=statement).values_list("key", flat=True))
    identities: list[Paragraph | None] = [
        previous[continues[index]].paragraph if index in continues else None
        for index in range(len(new_texts))
    ]
    fresh = [
        Paragraph(statement=statement, key=new_paragraph_key(taken), created_in=revision)
        for identity in identities
        if identity is None
    ]
    Paragraph.objects.bulk_create(fresh)
    arrivals = iter(fresh)
    rows = [
        RevisionParagraph(
            revision=revision,
            paragraph=identity or next(arrivals),
            position=index + 1,
            text=text,
        )
        for index, (identity, text) in enumerate(zip(identities, new_texts, strict=True))
    ]
    RevisionParagraph.objects.bulk_create(rows)
    return rows


def new_paragraph_key(taken: set[str]) -> str:
    """A key no paragraph of the statement has (``taken``, to which it is added): "p-7f3a9c"."""
    while True:
        key = f"p-{secrets.token_hex(3)}"
        if key not in taken:
            taken.add(key)
            return key


@transaction.atomic
def start_statement(
    actor: User,
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
    revision, _ = new_revision(actor, statement, text, parent=None)
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
        delegation=delegation_of(actor),
    )
    return statement


@transaction.atomic
def save_revision(actor: User, statement: Statement, *, text: str, base: Revision) -> Revision:
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
        raise PermissionDenied(
            _("Only delegates of the pen-holding delegations may edit this text.")
        )
    if not locked.is_open_for_editing:
        raise EditingClosed(
            _(
                "This statement is in %(state)s; its text can no longer be edited. Ask the chair "
                "to return it to drafting."
            )
            % {"state": locked.get_state_display().lower()}
        )
    if base.statement_id != locked.pk:
        raise StaleEdit(_("That revision belongs to another statement."))
    current = locked.current_revision or base
    mine = checked_text(text)
    merged: dict[str, Any] = {}
    if current.pk == base.pk:
        if mine == base.text:
            return base
        revision, rows = new_revision(actor, locked, mine, parent=base)
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
        revision, rows = new_revision(actor, locked, result.text, parent=current, started_from=base)
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
    amendments = rebase_amendments(locked, revision, rows)
    record(
        actor,
        "drafts.save_revision",
        locked,
        before={"revision": current.number, "hash": current.content_hash},
        after={"revision": revision.number, "hash": revision.content_hash, **merged, **amendments},
        delegation=delegation_of(actor),
    )
    tell_of_revision(actor, locked, revision, previous=current)
    statement.current_revision = revision
    return revision


def tell_of_revision(
    actor: User,
    statement: Statement,
    revision: Revision,
    previous: Revision,
    *,
    change: str = "new_revision",
    line: Detail | None = None,
) -> None:
    """Tell the drafting group and the body's chairs, and every page open on the statement."""
    compare = reverse("drafts:compare", args=[statement.pk])
    link = f"{compare}?from={previous.number}&to={revision.number}"
    notify(
        notices.NEW_REVISION,
        actor=actor,
        subject=statement,
        recipients=audience.people(audience.pen_holders(statement), audience.chairs(statement)),
        link=link,
        detail=line or detail(DetailCode.REVISION, number=revision.number),
    )
    announce(statement, change=change, actor=actor, compare=link)


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
    actor: User, statement: Statement, *, title: str, min_signatures: int
) -> Statement:
    """Change a statement's title or minimum signatures, where its state still allows it.

    Only coordinators may; ``Conflict`` names what the state no longer lets change.
    """
    locked = Statement.objects.select_for_update().get(pk=statement.pk)
    if not (actor.is_authenticated and actor.is_coordinator):
        raise PermissionDenied(_("Only coordinators may change a statement's details."))
    wanted = {"title": title.strip(), "min_signatures": min_signatures}
    changed = {name for name, value in wanted.items() if getattr(locked, name) != value}
    if not changed:
        return locked
    allowed = DETAILS_EDITABLE_IN.get(Statement.State(locked.state), set())
    refused = sorted(changed - allowed)
    if refused:
        names = " and ".join(name.replace("_", " ") for name in refused)
        raise EditingClosed(
            _("This statement is in %(state)s; its %(names)s can no longer change.")
            % {"state": locked.get_state_display().lower(), "names": names}
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
        delegation=delegation_of(actor),
    )
    return locked


def rebase_amendments(
    statement: Statement, revision: Revision, rows: list[RevisionParagraph]
) -> dict[str, Any]:
    """Bring the statement's open amendments onto ``revision``: those whose paragraph it changed
    are rebased when their change still applies cleanly, and marked outdated when not (or when
    the paragraph is gone). Returns what changed, for the audit record ({} if nothing)."""
    wording = {row.paragraph_id: row.text for row in rows}
    rebased: list[int] = []
    outdated: list[int] = []
    for amendment in Amendment.objects.select_for_update().filter(
        statement=statement, status=Amendment.Status.OPEN
    ):
        new_wording = wording.get(amendment.paragraph_id)
        if new_wording == amendment.base_text:
            continue
        why: str
        if new_wording is None:
            carried, why = "", OutdatedBecause.DELETED
        else:
            carried, why = carry_over(
                amendment.kind, amendment.base_text, amendment.text, new_wording
            )
        if why:
            amendment.status = Amendment.Status.OUTDATED
            amendment.outdated_by = revision
            amendment.outdated_because = why
            amendment.save(
                update_fields=["status", "outdated_by", "outdated_because", "updated_at"]
            )
            outdated.append(amendment.pk)
        else:
            assert new_wording is not None
            amendment.text = carried
            amendment.base_text = new_wording
            amendment.base_revision = revision
            amendment.save(update_fields=["text", "base_text", "base_revision", "updated_at"])
            rebased.append(amendment.pk)
    if not (rebased or outdated):
        return {}
    return {"amendments": {"rebased": rebased, "outdated": outdated}}
