"""gunicorn settings for the web processes (deploy/systemd/advance-web.service).

Sync workers: each request is short (PDFs are rendered by the task worker, not in a
request). Size ``workers`` at about 2 x CPU cores + 1 per server; set WEB_CONCURRENCY
to change it without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# nginx buffers slow clients, so a worker is held only while the app works.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Restart each worker now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200
# The address nginx forwards from; X-Forwarded-Proto from it is trusted.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
