"""Feedback: applicants' satisfaction ratings of returned dossiers."""
