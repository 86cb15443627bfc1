"""Views of dossiers: the applicant's pages (``applicant``) and public tracking
(``tracking``)."""
