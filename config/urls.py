from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from delegations import views as delegation_views
from delegations.forms import EmailLoginForm


def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("img/favicon.svg"), permanent=True)


urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailLoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The admin logs in through Accord's own login (throttled, with its two-factor step).
    path("admin/login/", delegation_views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page says: the same mark.
    path("favicon.ico", favicon, name="favicon"),
    # The interface strings of static/js/*.js in the page's language, for gettext() there.
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript_catalog"),
    path("api/", include("config.api_urls")),
    path("", include("delegations.urls")),
    path("", include("audit.urls")),
    path("", include("notifications.urls")),
    path("", include("drafts.urls")),
    path("", include("workflow.urls")),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
