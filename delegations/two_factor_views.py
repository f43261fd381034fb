"""Pages of two-factor authentication: the code asked at login, setting up an authenticator
app, recovery codes, turning it off.

Thin: each view parses input, calls one action (or checks one code) and renders or redirects.
A wrong code proving who one is (at login, before turning it off) answers 403 with the form
and its message; a wrong code while setting up answers 400.
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from delegations import actions, two_factor
from delegations.forms import CodeForm
from delegations.models import User


def _person(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _next(request: HttpRequest) -> str:
    """Where to go once done: the ``next`` asked for, if it is on this site; else the
    dashboard."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("workflow:dashboard")


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """The second step of logging in: a code from the app, or a recovery code."""
    if not request.user.is_authenticated:
        return redirect_to_login(_next(request))
    if two_factor.must_prove(request.user, request.session) != "verify":
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 403
        if form.is_valid():
            person = _person(request)
            device = two_factor.device_for_code(person, form.cleaned_data["code"])
            if device is not None:
                two_factor.mark_verified(request, device, rotate=True)
                if isinstance(device, StaticDevice):
                    left = actions.note_recovery_code_use(person)
                    messages.warning(
                        request,
                        _(
                            "You logged in with a recovery code; it cannot be used again. "
                            "%(left)d left: make new ones on your profile if you are running out."
                        )
                        % {"left": left},
                    )
                return redirect(_next(request))
            form.add_error(
                "code",
                _(
                    "That code did not work. Type the code your app shows now, or one of your "
                    "recovery codes. After several wrong codes, wait a few seconds between tries."
                ),
            )
    return render(
        request,
        "registration/second_factor.html",
        {"form": form, "next": _next(request)},
        status=status,
    )


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's ``otpauth://`` address as an inline SVG QR code: a path with
    presentation attributes only (no style, no script), so the page's CSP accepts it."""
    code = segno.make(device.config_url, error="m")
    return mark_safe(code.svg_inline(scale=5, title=_("QR code for your authenticator app")))


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it when typed: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _set_up_page(
    request: HttpRequest, device: TOTPDevice, form: CodeForm, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "delegations/two_factor_setup.html",
        {
            "device": device,
            "qr_code": qr_code_svg(device),
            "secret": secret_text(device),
            "form": form,
            "required": two_factor.required_for(request.user),
            "next": _next(request),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """GET shows a new secret (the same one until confirmed) as a QR code and as text; POST
    confirms it with a code, puts it in force and shows the recovery codes once."""
    person = _person(request)
    if two_factor.has_device(person):
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect(reverse("delegations:profile") + "#two-factor")
    device = actions.start_two_factor_set_up(person)
    if request.method == "GET":
        return _set_up_page(request, device, CodeForm())
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _set_up_page(request, device, form, status=400)
    try:
        codes = actions.confirm_two_factor(
            person, code=form.cleaned_data["code"], session_key=request.session.session_key
        )
    except two_factor.WrongCode as wrong:
        form.add_error("code", str(wrong))
        return _set_up_page(request, device, form, status=400)
    device.refresh_from_db()
    # The key is not rotated here: the sockets this session holds keep their group, so
    # logging out still closes them. (It is rotated at login and after the login code.)
    two_factor.mark_verified(request, device, rotate=False)
    return render(
        request,
        "delegations/recovery_codes.html",
        {"codes": codes, "first_time": True, "next": _next(request)},
        status=201,
    )


@login_required
@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes, shown this once; the old ones stop working."""
    try:
        codes = actions.regenerate_recovery_codes(_person(request))
    except ValueError as refused:
        messages.error(request, str(refused))
        return redirect(reverse("delegations:profile") + "#two-factor")
    return render(
        request,
        "delegations/recovery_codes.html",
        {"codes": codes, "first_time": False, "next": reverse("delegations:profile")},
        status=201,
    )


@login_required
@require_http_methods(["GET", "POST"])
def turn_off(request: HttpRequest) -> HttpResponse:
    """GET asks for a current code; POST with a right one turns two-factor authentication
    off (a required role is then asked to set it up again)."""
    person = _person(request)
    if not two_factor.has_device(person):
        return redirect(reverse("delegations:profile") + "#two-factor")
    form = CodeForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "required": two_factor.required_for(person)}
    if request.method == "GET":
        return render(request, "delegations/two_factor_off.html", context)
    if form.is_valid():
        try:
            actions.remove_two_factor(
                person, code=form.cleaned_data["code"], session_key=request.session.session_key
            )
        except two_factor.WrongCode as wrong:
            form.add_error("code", str(wrong))
        else:
            two_factor.forget_verification(request)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect(reverse("delegations:profile") + "#two-factor")
    return render(request, "delegations/two_factor_off.html", context, status=403)
