from typing import Any

from django.core.management.base import BaseCommand

from workflow.deadlines import send_deadline_notices


class Command(BaseCommand):
    help = (
        "Remind people before consultation and sign-on deadlines, and tell the chairs when one "
        "has passed. Run it every few minutes; running it twice sends nothing twice."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_deadline_notices()
        self.stdout.write(f"{sent.approaching} reminder(s), {sent.passed} closing notice(s) sent.")
