"""Delete audit events older than AUDIT_RETENTION_DAYS and report how many."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from audit.retention import purge_events


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: object, **options: object) -> None:
        count = purge_events(now=timezone.now())
        self.stdout.write(
            f"Deleted {count} audit event(s) older than "
            f"{settings.AUDIT_RETENTION_DAYS} days."
        )
