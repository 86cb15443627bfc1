"""Files shared by every app: spreadsheets made for export, and what a file is
from its content (no models, no app)."""
