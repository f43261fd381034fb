"""WebSocket routes of every app, gathered in one list."""

from typing import Any

websocket_urlpatterns: list[Any] = []
