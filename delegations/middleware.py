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


def speak_to(request: HttpRequest, person: User) -> None:
    """For the rest of ``request``: the language saved on ``person``'s profile, over the one
    ``LocaleMiddleware`` chose from the cookie and the browser (which stands if they saved
    none), and their time zone, which ``PersonalLocaleMiddleware`` deactivates afterwards."""
    if person.language:
        translation.activate(person.language)
        request.LANGUAGE_CODE = translation.get_language()
    timezone.activate(zone_of(person))


def speak_to_token_owner(request: HttpRequest, person: User) -> None:
    """``speak_to`` for the owner of the API token a request was authenticated with.

    Called by the token's authentication, inside DRF, after ``PersonalLocaleMiddleware`` ran:
    there the request was anonymous (nothing changed) or carried a session, whose person may
    have been spoken to in their own language. The token's owner is the one calling, so what
    ``LocaleMiddleware`` chose comes back first, and their saved language, if any, goes over it.
    """
    if not person.language:
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
    speak_to(request, person)


class PersonalLocaleMiddleware:
    """After ``LocaleMiddleware`` and authentication: the language saved on the person's
    profile wins over the cookie and the browser's; their time zone is activated for the
    request. Anonymous visitors keep the language ``LocaleMiddleware`` chose, and UTC.

    An API call authenticated by a personal token is anonymous here (DRF authenticates it
    later): ``delegations.authentication`` does the same for the token's owner.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        person = getattr(request, "user", None)
        if isinstance(person, User) and person.is_authenticated:
            speak_to(request, person)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
