"""``manage.py demo_code <email>``: the current two-factor code of a demo account, so someone
trying the demo can log in as a signatory or the coordinator. Refuses any other account."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from delegations import two_factor
from delegations.models import User


class Command(BaseCommand):
    help = (
        f"Print the current two-factor code of a demo account (@{two_factor.DEMO_DOMAIN}, as "
        "made by seed_demo). Any other account is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "email", help=f"A demo account, e.g. signatory.fr@{two_factor.DEMO_DOMAIN}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip().lower()
        if not email.endswith(f"@{two_factor.DEMO_DOMAIN}"):
            raise CommandError(
                f"Only demo accounts (@{two_factor.DEMO_DOMAIN}) have a code anyone may read."
            )
        person = User.objects.filter(email=email).first()
        if person is None:
            raise CommandError(f"No demo account {email}: run `manage.py seed_demo` first.")
        device = two_factor.totp_device_of(person)
        if device is None or device.key != two_factor.DEMO_TOTP_KEY:
            raise CommandError(
                f"{email} has no demo authenticator app (its role needs no code, or its app "
                "was replaced): log in with the password alone, or use your own app."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"(valid for about {left} more seconds; each code works once)")
