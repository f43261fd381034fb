from django.urls import path

from delegations import two_factor_views, views

app_name = "delegations"

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/tokens/", views.create_api_token, name="create_api_token"),
    path(
        "accounts/profile/language/",
        views.set_language_and_time_zone,
        name="set_language_and_time_zone",
    ),
    path("i18n/language/", views.set_language, name="set_language"),
    path(
        "accounts/profile/tokens/<int:pk>/revoke/",
        views.revoke_api_token,
        name="revoke_api_token",
    ),
    path("accounts/login/code/", two_factor_views.second_factor, name="second_factor"),
    path("accounts/two-factor/", two_factor_views.set_up, name="two_factor_setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.new_recovery_codes,
        name="new_recovery_codes",
    ),
    path("accounts/two-factor/off/", two_factor_views.turn_off, name="two_factor_off"),
]
