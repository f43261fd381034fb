"""Settings of the servers the page benchmark starts: Accord's own, with DEBUG off and the
bare baseline views mounted beside the product's URLs (``bench.bench_urls``)."""

from config.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.bench_urls"
