"""``manage.py verify_audit``: check the audit record's hash chain end to end."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from audit.actions import check_chain
from audit.verify import verify_record


class Command(BaseCommand):
    help = (
        "Recompute every audit entry's hash and check the links between them. Prints the "
        "first broken link and exits non-zero if the record was edited or an entry deleted, "
        "including entries deleted from its end since an earlier check."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-store",
            action="store_true",
            help="Only report: do not keep the outcome for the audit page.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_record() if options["no_store"] else check_chain("manage.py verify_audit")
        if not report.intact:
            raise CommandError(str(report))
        self.stdout.write(str(report))
