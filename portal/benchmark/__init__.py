"""The HTTP benchmark (``manage.py bench_http``, docs/performance.md): synthetic
dossiers in a scratch database, the production server driven by wrk."""
