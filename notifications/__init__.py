"""Notifications: in-app messages and e-mails to applicants and staff."""
