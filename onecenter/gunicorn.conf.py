"""Gunicorn settings for production (Procfile `web`, docs/deploy.md).

Every value can be changed from the environment without editing this file.
"""

import multiprocessing
import os

# Behind a reverse proxy on the same machine, 127.0.0.1:8000; a platform that
# assigns the port sets PORT (and then listens on every interface).
bind = f"0.0.0.0:{os.environ['PORT']}" if os.environ.get("PORT") else "127.0.0.1:8000"
if os.environ.get("GUNICORN_BIND"):
    bind = os.environ["GUNICORN_BIND"]

# The usual 2 x CPU + 1, capped so a large machine does not run out of memory
# (each worker holds a whole Django). WEB_CONCURRENCY overrides it.
workers = int(
    os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8)
)
# A few threads per worker keep slow clients and database waits from blocking a
# whole process (the gthread worker).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))

# A request running longer than this is killed and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (stop) or SIGHUP (graceful reload: new workers, then the old ones
# finish their requests) a worker gets this long before it is killed.
graceful_timeout = 20
keepalive = 5

# Workers are replaced now and then, at different moments, so a slow leak
# never grows and they never all restart together.
max_requests = 1000
max_requests_jitter = 100

# Each request is logged once, by the app (JSON with its request id, the path
# without its query string: onecenter/observability.py), so gunicorn's own access
# log, which would repeat it with the query string, is off. Errors go to stderr;
# the supervisor (systemd's journal, honcho) collects them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# X-Forwarded-* headers are believed only from the proxies the application itself
# trusts (TRUSTED_PROXIES, comma-separated addresses or networks); none by default.
forwarded_allow_ips = os.environ.get("TRUSTED_PROXIES", "").replace(" ", "")

# Heartbeat files in memory, not on a possibly slow disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# Prometheus figures from every worker, not only the one that answers the scrape:
# with PROMETHEUS_MULTIPROC_DIR set (an empty folder, e.g. on /dev/shm), each
# worker writes its counters there and /metrics adds them up (django-prometheus'
# export view reads the folder). The folder is emptied when gunicorn starts, and a
# worker that exits has its live gauges removed.
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")


def on_starting(server: object) -> None:
    if _metrics_dir:
        os.makedirs(_metrics_dir, exist_ok=True)
        for name in os.listdir(_metrics_dir):
            if name.endswith(".db"):
                os.remove(os.path.join(_metrics_dir, name))


def child_exit(server: object, worker: object) -> None:
    if _metrics_dir:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[attr-defined]
