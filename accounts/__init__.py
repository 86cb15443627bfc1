"""Accounts: users, their roles and where they work."""
