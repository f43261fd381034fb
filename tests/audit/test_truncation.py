"""Entries deleted from the end of the audit record leave a shorter chain whose links are all
intact; each stored check remembers how far the chain reached, so the next one notices."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from audit.actions import check_chain
from audit.models import AuditEntry, ChainVerification
from audit.verify import verify_chain
from delegations.models import User
from tests.audit.helpers import tamper
from tests.audit.test_chain import appended

pytestmark = pytest.mark.django_db


def cut_after(sequence: int) -> None:
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    assert last is not None and last > sequence
    tamper("DELETE FROM audit_auditentry WHERE sequence > %s", [sequence])


def test_entries_deleted_from_the_end_are_reported_after_a_check_saw_them(
    pen_delegate: User,
) -> None:
    entries = appended(pen_delegate, 5)
    assert check_chain("a coordinator").intact
    kept_last, last = entries[2].sequence, entries[-1].sequence
    cut_after(kept_last)
    assert verify_chain().intact  # the links alone cannot tell
    with pytest.raises(
        CommandError,
        match=rf"Truncated after #{kept_last}: .*#{kept_last + 1} to #{last} were deleted",
    ):
        call_command("verify_audit")
    kept = ChainVerification.objects.order_by("-id").first()
    assert kept is not None
    assert (kept.intact, kept.broken_at) == (False, kept_last + 1)
    # Checking again does not make the loss forgotten.
    with pytest.raises(CommandError, match=f"Truncated after #{kept_last}"):
        call_command("verify_audit", "--no-store")


def test_a_cut_end_written_over_with_new_entries_is_reported(pen_delegate: User) -> None:
    first = appended(pen_delegate, 3)[-1].sequence
    check_chain("first check")  # saw the chain up to `first`
    second = appended(pen_delegate, 3)[-1].sequence
    check_chain("second check")  # and then up to `second`
    cut_after(first + 1)
    appended(pen_delegate, 4)  # written anew: the chain is longer than before, and intact
    assert verify_chain().intact
    report = check_chain("third check")
    assert not report.intact
    assert report.truncated_after == first  # the first check's last entry is still there
    assert str(report).startswith(f"Truncated after #{first}: entry #{second} is not the one")


def test_a_chain_that_only_grew_since_the_last_check_is_intact(pen_delegate: User) -> None:
    appended(pen_delegate, 2)
    check_chain("first check")
    last = appended(pen_delegate, 2)[-1].sequence
    report = check_chain("second check")
    assert report.intact and report.entries == last
    call_command("verify_audit", "--no-store")


def test_without_an_earlier_check_a_shorter_chain_cannot_be_told_apart(
    pen_delegate: User,
) -> None:
    """What the check promises, and no more: it needs an earlier check to compare with."""
    entries = appended(pen_delegate, 3)
    cut_after(entries[0].sequence)
    assert check_chain("first check").intact
