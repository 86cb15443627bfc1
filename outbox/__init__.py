"""The transactional outbox: dossier events recorded with each transition and
delivered, in order per dossier, to the national portal and signed webhooks."""
