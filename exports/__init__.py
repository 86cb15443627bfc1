"""Files made for spreadsheets, shared by every export (no models, no app)."""
