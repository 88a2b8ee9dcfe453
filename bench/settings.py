"""Settings for the benchmarks: the app's own, plus a bare view to compare against.

The runner (bench/step_save.py) sets SECRET_KEY, DEBUG=false, DATABASE_URL and
BENCH_STATIC_ROOT in the environment before anything imports this module.
"""

import os

from advisor.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The runner collects static files into its temporary directory, not into var/.
if os.getenv("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
