"""Dossiers (hồ sơ): what applicants file and the centre processes."""
