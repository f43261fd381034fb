"""Fixtures of the drafts tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers, get_channel_layer

from drafts.models import Statement
from notifications.live import statement_group

Listener = Callable[[Statement], Iterator[dict[str, Any]]]


@pytest.fixture
def listen() -> Iterator[Listener]:
    """Listen to the events sent to the pages open on a statement, from now on.

    Receiving from a sync test runs the channel layer in an event loop of its own, to which
    the Redis layer then binds its locks: it is closed and dropped afterwards, so the async
    tests that follow get a layer of their own loop.
    """

    def subscribe(statement: Statement) -> Iterator[dict[str, Any]]:
        layer = get_channel_layer()
        assert layer is not None
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(statement_group(statement.pk), channel)

        def events() -> Iterator[dict[str, Any]]:
            while True:
                yield async_to_sync(layer.receive)(channel)

        return events()

    yield subscribe
    layer = channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)
    close = getattr(layer, "close_pools", None)
    if close is not None:
        async_to_sync(close)()
