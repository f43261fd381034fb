from django.urls import path

from delegations import views

app_name = "delegations"

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/tokens/", views.create_api_token, name="create_api_token"),
    path(
        "accounts/profile/tokens/<int:pk>/revoke/",
        views.revoke_api_token,
        name="revoke_api_token",
    ),
]
