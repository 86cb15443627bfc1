"""Load the demo centre: agencies, departments and one account per role."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dossiers.models import Dossier
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo


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
        names = ", ".join(account.username for account in DEMO_ACCOUNTS)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready. Accounts: {names} (password '{DEMO_PASSWORD}')."
            )
        )
        self.stdout.write(f"Dossiers in the database: {Dossier.objects.count()}.")
