from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from delegations.forms import EmailLoginForm

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailLoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("", include("delegations.urls")),
    path("", include("audit.urls")),
    path("", include("notifications.urls")),
    path("", include("drafts.urls")),
    path("", include("workflow.urls")),
]
