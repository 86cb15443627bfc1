"""The audit trail: who logged in, changed their credentials or looked at a
dossier's personal data, when and from where (append-only, kept for a while).

Write an event with ``audit.services.record``; read them with ``audit.selectors``.
"""
