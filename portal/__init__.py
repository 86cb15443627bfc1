"""The portal shell: home pages, health check, language and error pages, demo data."""
