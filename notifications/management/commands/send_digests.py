from typing import Any

from django.core.management.base import BaseCommand

from notifications.tasks import send_daily_digests


class Command(BaseCommand):
    help = "Send each digest reader one e-mail with what they have not been e-mailed yet. Daily."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_daily_digests.call()
        self.stdout.write(f"{sent} digest(s) sent.")
