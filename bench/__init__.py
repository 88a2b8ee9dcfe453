"""Benchmarks run against a real gunicorn server; see bench/README.md."""
