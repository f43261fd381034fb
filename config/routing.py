"""WebSocket routes of every app, gathered in one list."""

from typing import Any

from notifications.routing import websocket_urlpatterns as notification_routes
from workflow.routing import websocket_urlpatterns as statement_routes

websocket_urlpatterns: list[Any] = [*notification_routes, *statement_routes]
