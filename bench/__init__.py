"""Benchmarks run against a real gunicorn server; see bench/README.md.

Importing the advisor package first is needed for bench.settings to work: advisor's
__init__ loads the Celery app, which reads Django settings at import time. Were
advisor first imported from inside bench.settings (by `from advisor.settings import *`),
Celery would make Django load the half-run bench.settings and keep an empty
configuration. Imported from here, bench.settings is loaded whole, during that read.
"""

import advisor  # noqa: F401
