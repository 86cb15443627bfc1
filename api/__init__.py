"""The REST API, version 1: the catalogue, tracking, citizens' and staff's dossiers."""
