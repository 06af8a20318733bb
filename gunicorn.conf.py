"""gunicorn settings for PaperDesk (``make serve``, or ``gunicorn -c gunicorn.conf.py``).

gthread workers: each process serves requests on a pool of threads, so a live-quote
stream (Server-Sent Events) holds one thread, not a whole process, and the process's
heartbeat to the master continues while streams are open. Each process starts its
market worker thread once it is up; the database lease lets exactly one of them tick.
Every value can be overridden from the environment (see the README's settings table).
"""

import os
import sys

wsgi_app = "app:create_app()"
bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT') or '5003'}"
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS") or 4)
threads = int(os.environ.get("GUNICORN_THREADS") or 8)
# Each process listens on a socket of its own (SO_REUSEPORT) and the kernel spreads new
# connections over them. On one shared socket, the process that wakes first accepts most
# of a burst of keep-alive connections (nginx's upstream pool, API clients) and keeps
# them, so their requests queue behind each other while the other processes idle.
# Linux balances such sockets; other systems may not, so it is off there by default.
_reuse_default = "true" if sys.platform.startswith("linux") else "false"
reuse_port = (os.environ.get("GUNICORN_REUSE_PORT") or _reuse_default).lower() in ("1", "true")

# A request (not a stream: streams end by STREAM_MAX_SECONDS and free their slot) that
# blocks a process's threads this long gets the process restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
# On SIGTERM/SIGHUP a process finishes its requests for up to this long, then stops.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = 5
# Recycle processes now and then (staggered), so a slow leak cannot build up.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 20000)
max_requests_jitter = max_requests // 10

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or "-"
errorlog = "-"
# Who, what, status, size, and the time taken in milliseconds (%(M)s).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_worker_init(worker):
    """Start this process's market worker thread now, not on its first request."""
    from tasks.worker import start_once

    start_once(worker.wsgi)
    worker.log.info("PaperDesk process ready (pid: %s)", worker.pid)


def worker_exit(server, worker):
    """On a graceful stop or restart, hand the lease back at once so another process
    takes it without waiting for it to expire."""
    app = getattr(worker, "wsgi", None)
    market_worker = app.extensions.get("paperdesk_worker") if app is not None else None
    if market_worker is not None:
        market_worker.stop()
