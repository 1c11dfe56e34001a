"""
gunicorn's settings (`gunicorn config.wsgi --config python:config.gunicorn`): the access
and error logs on stdout/stderr through `RedactingGunicornLogger`, so neither carries the
secret token of a booking link. The number of workers comes from gunicorn's own
WEB_CONCURRENCY; the addresses whose X-Forwarded-Proto is trusted from its
FORWARDED_ALLOW_IPS or --forwarded-allow-ips (loopback by default).
"""

import os

accesslog = "-"
errorlog = "-"
logger_class = "config.logging.RedactingGunicornLogger"
# WEB_CONCURRENCY sizes a machine (a value here would override gunicorn's own reading).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
