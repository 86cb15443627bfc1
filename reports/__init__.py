"""Statistics: the indicators of the handling of dossiers and the 766 index."""
