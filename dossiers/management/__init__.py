"""Management commands of the dossiers app."""
