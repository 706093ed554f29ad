"""Live chat state: who is waiting, who answers, who is available.

Message text is never here: the relay passes it between sockets and forgets it.
A chat's row exists only while the chat lives and is deleted when it ends.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fristad.directory.models import Jour


class ChatStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ACTIVE = "active", _("In progress")


class Chat(models.Model):
    """One live chat. The id is random; nothing here says who she is."""

    id = models.CharField(primary_key=True, max_length=32)
    # A hash of the secret her page holds in memory to reconnect to this chat.
    key_hash = models.CharField(max_length=64)
    # A hash of her page's session token: what a block holds (never a person or an address).
    session_hash = models.CharField(max_length=64, db_index=True)
    # The jour she chose; null when she started from the national page.
    jour = models.ForeignKey(Jour, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # She accepts any open jour of the network.
    any_jour = models.BooleanField(default=False)
    status = models.CharField(max_length=8, choices=ChatStatus.choices, default=ChatStatus.WAITING)
    queued_at = models.DateTimeField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The jour whose jourkvinna answers (may differ from the chosen one: overflow, transfer).
    agent_jour = models.ForeignKey(Jour, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(null=True, blank=True)
    # Raised on every new jourkvinna: her page restarts the count of the staff's messages.
    staff_leg = models.PositiveIntegerField(default=0)
    # A jourkvinna's private handover note (never her words); gone with the chat.
    note = models.CharField(max_length=500, blank=True)
    her_connected = models.BooleanField(default=True)
    # The server's channel of the socket that holds the chat now (not an address).
    her_channel = models.CharField(max_length=120, blank=True)
    her_left_at = models.DateTimeField(null=True, blank=True)
    return_code_hash = models.CharField(max_length=64, blank=True, db_index=True)
    return_code_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "queued_at"])]


class PresenceStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    AWAY = "away", _("Away")


class AgentPresence(models.Model):
    """A jourkvinna's console: available or away, for which jour, and since when she is idle."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    jour = models.ForeignKey(Jour, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=PresenceStatus.choices, default=PresenceStatus.AWAY)
    capacity = models.PositiveSmallIntegerField(default=2)
    # When she last had nothing to do (or last got a chat): "idle longest" routes to her first.
    idle_since = models.DateTimeField()
    # Her console's heartbeat; a presence not seen for a while counts as gone.
    seen_at = models.DateTimeField()


class ChatSettings(models.Model):
    """A jour's chat settings, set by its coordinator."""

    jour = models.OneToOneField(Jour, on_delete=models.CASCADE, related_name="+")
    overflow_after_seconds = models.PositiveIntegerField(default=120)
    # Her jourkvinnor also answer the network's overflow queue.
    answers_overflow = models.BooleanField(default=True)


class ChatLoad(models.Model):
    """Recent handling time of a jour's chats, as a moving average: no chat is kept."""

    jour = models.OneToOneField(Jour, on_delete=models.CASCADE, related_name="+")
    average_seconds = models.FloatField()
    samples = models.PositiveIntegerField(default=0)


class CannedResponse(models.Model):
    """A prepared reply a jour's jourkvinnor insert with one click."""

    jour = models.ForeignKey(Jour, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("text"), max_length=2000)

    class Meta:
        ordering = ["title"]


class ChatBlock(models.Model):
    """A page session that may not start a chat until a time: never a person or an address."""

    session_hash = models.CharField(max_length=64, unique=True)
    until = models.DateTimeField()
