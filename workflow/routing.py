from django.urls import path

from workflow.consumers import StatementConsumer

websocket_urlpatterns = [
    path("ws/statements/<int:pk>/", StatementConsumer.as_asgi()),
]
