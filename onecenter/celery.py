"""The Celery application and its beat schedule."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onecenter.settings")

app = Celery("onecenter")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic scans are added here as features need them (each entry with a comment);
# reminders come from scanning the database, never from ETA tasks days ahead.
app.conf.beat_schedule = {}
