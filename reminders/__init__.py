"""Reminders: deadline and applicant reminders found by a periodic scan, sent once."""
