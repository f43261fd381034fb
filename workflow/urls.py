from django.urls import path

from workflow import views

app_name = "workflow"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("statements/new/", views.statement_create, name="create"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    *(
        path(f"statements/<int:pk>/{step.replace('_', '-')}/", views.act, {"step": step}, name=step)
        for step in views.STEPS
    ),
    path("published/", views.public_list, name="public_list"),
    path("published/<slug:slug>/", views.public_detail, name="public_detail"),
]
