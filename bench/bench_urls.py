"""Accord's URLs, plus the bare baseline pages of ``bench/pages.py`` under ``/bench/``."""

from django.urls import path

from bench import baseline_views
from config.urls import urlpatterns as accord

urlpatterns = [
    path("bench/dashboard/", baseline_views.dashboard),
    path("bench/statements/<int:pk>/", baseline_views.statement),
    *accord,
]
