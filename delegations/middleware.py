"""Speak to a logged-in person in their own language and show times in their own time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from delegations.models import User


def zone_of(person: User) -> zoneinfo.ZoneInfo:
    """The person's time zone; UTC if the stored name is unknown to this machine."""
    try:
        return zoneinfo.ZoneInfo(person.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


class PersonalLocaleMiddleware:
    """After ``LocaleMiddleware`` and authentication: the language saved on the person's
    profile wins over the cookie and the browser's; their time zone is activated for the
    request. Anonymous visitors keep the language ``LocaleMiddleware`` chose, and UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person = getattr(request, "user", None)
        if isinstance(person, User) and person.is_authenticated:
            if person.language:
                translation.activate(person.language)
                request.LANGUAGE_CODE = translation.get_language()
            timezone.activate(zone_of(person))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
