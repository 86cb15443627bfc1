"""Print the current second-factor code of a demo staff account."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_TOTP_SECRET
from accounts.mfa import hex_key_from_base32, next_code


class Command(BaseCommand):
    help = (
        "Print the 6-digit code a demo staff account (seed_demo's admin, manager, "
        "clerk, officer, leader) enters after its password. Works only for accounts "
        "that use the published demo key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: object, **options: object) -> None:
        device = TOTPDevice.objects.filter(
            user__username=options["username"],
            key=hex_key_from_base32(DEMO_TOTP_SECRET),
            confirmed=True,
        ).first()
        if device is None:
            raise CommandError(
                f"{options['username']} has no demo authenticator: only the staff "
                "accounts made by seed_demo have one."
            )
        self.stdout.write(next_code(device))
