"""Reads of the chat (never message text: there is none), one module per reader:

- ``queue``: the routing snapshot, queue estimates and notices, the operator's metrics;
- ``public``: the public "open now" and her choices before she starts;
- ``console``: what a console or a coordinator may see;
- ``national``: the national office's counts of the network.

Callers import from here (``from fristad.chat import selectors``).
"""

from fristad.chat.selectors.console import (
    ConsoleChat,
    JourChatOverview,
    LoadRow,
    QueueView,
    canned_responses_of,
    console_chat_ids,
    console_jourer,
    console_queues,
    console_state,
    console_user_ids,
    jour_chat_overview,
)
from fristad.chat.selectors.national import CountyOpenNow, JourOpenNow, NetworkNow, network_now
from fristad.chat.selectors.public import ChatChoices, chat_choices, chat_jour_public, chat_status_for_jourer
from fristad.chat.selectors.queue import (
    chat_metrics,
    chat_progress,
    handling_seconds,
    queue_estimates,
    queue_notices,
    routing_snapshot,
    stale_before,
    still_a_member,
)

__all__ = [
    "ChatChoices",
    "ConsoleChat",
    "CountyOpenNow",
    "JourChatOverview",
    "JourOpenNow",
    "LoadRow",
    "NetworkNow",
    "QueueView",
    "canned_responses_of",
    "chat_choices",
    "chat_jour_public",
    "chat_metrics",
    "chat_progress",
    "chat_status_for_jourer",
    "console_chat_ids",
    "console_jourer",
    "console_queues",
    "console_state",
    "console_user_ids",
    "handling_seconds",
    "jour_chat_overview",
    "network_now",
    "queue_estimates",
    "queue_notices",
    "routing_snapshot",
    "stale_before",
    "still_a_member",
]
