from django.urls import path

from drafts import views

app_name = "drafts"

urlpatterns = [
    path("statements/<int:pk>/edit/", views.edit, name="edit"),
]
