from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.record, name="record"),
    path("audit/verify/", views.verify, name="verify"),
]
