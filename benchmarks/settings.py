"""Production settings with the benchmark's bare view mounted (benchmarks/urls.py)."""

from training.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
