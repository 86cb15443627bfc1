"""Load the demo centre: agencies, departments and one account per role."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.demo import DEMO_TOTP_SECRET
from dossiers.models import Dossier
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo
from reports import summaries


class Command(BaseCommand):
    help = (
        "Create the demo centre and the accounts admin, manager, clerk, officer, "
        "leader and citizen (password 'onecenter-demo'). Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-demo-passwords",
            action="store_true",
            help="Create the demo passwords even with DEBUG off (never in production).",
        )

    def handle(self, *args: object, **options: object) -> None:
        if not (settings.DEBUG or options["allow_demo_passwords"]):
            raise CommandError(
                "Refusing to create accounts with a published password while DEBUG "
                "is off. Set DEBUG=true or pass --allow-demo-passwords."
            )
        seed_demo(DEMO_PASSWORD)
        # The statistics read summary rows; the demo's are built now rather than at
        # the first run of the hourly beat task.
        summaries.rebuild_all()
        names = ", ".join(account.username for account in DEMO_ACCOUNTS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Accounts: {names} (password '{DEMO_PASSWORD}')."
            )
        )
        self.stdout.write(
            "Staff accounts also ask for a code after the password: add the key "
            f"{DEMO_TOTP_SECRET} (time-based) to an authenticator app, or run "
            "`manage.py demo_otp <username>` for the current code."
        )
        self.stdout.write(f"Dossiers in the database: {Dossier.objects.count()}.")
