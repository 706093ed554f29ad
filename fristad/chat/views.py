"""Her chat page. Public: no cookie, no session; the chat itself lives in the page's memory."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from fristad.chat.selectors import chat_choices, chat_jour_public
from fristad.directory.chatstatus import ChatStatus
from fristad.directory.pages import INFO_PAGES
from fristad.directory.selectors import demo_network_present, jour_get_public
from fristad.web.plurals import Counted, counted
from fristad.web.privacy import no_store


def _wait() -> Counted:
    return counted("Expected wait: about %(minutes)s minute.", "Expected wait: about %(minutes)s minutes.")


def _any_wait() -> Counted:
    return counted(
        "A jourkvinna at another jour in the network: about %(minutes)s minute.",
        "A jourkvinna at another jour in the network: about %(minutes)s minutes.",
    )


def _wait_text(status: ChatStatus) -> str:
    """Her expected wait for one choice, in words: never a figure the router does not have."""
    if not status.open:
        return _("No one can answer right now.")
    if status.wait_seconds is None:
        return _("We cannot say yet how long the wait will be.")
    if status.wait_seconds < 60:
        return _("Someone can answer you now.")
    minutes = (status.wait_seconds + 59) // 60
    return ngettext(
        "Expected wait: about %(minutes)s minute.", "Expected wait: about %(minutes)s minutes.", minutes
    ) % {"minutes": minutes}


def _code() -> Counted:
    return counted(
        "Your return code: %(code)s. It works once, within %(minutes)s minute.",
        "Your return code: %(code)s. It works once, within %(minutes)s minutes.",
    )


def _busy(jour_name: str, numbers: list[str]) -> str:
    """What her page says when the chat takes no more right now: the numbers to call instead."""
    if numbers:
        return _(
            "Many are writing right now, so the chat cannot take more at the moment. Try again in a few "
            "minutes, or call %(jour)s on %(numbers)s, or Kvinnofridslinjen on 020-50 50 50 (day and night)."
        ) % {"jour": jour_name, "numbers": ", ".join(numbers)}
    return _(
        "Many are writing right now, so the chat cannot take more at the moment. Try again in a few "
        "minutes, or call Kvinnofridslinjen on 020-50 50 50 (day and night)."
    )


def _blocked() -> Counted:
    return counted(
        "You cannot start a new chat right now. Try again in %(minutes)s minute.",
        "You cannot start a new chat right now. Try again in %(minutes)s minutes.",
    )


@require_safe
def chat_page(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    jour = None
    profile = None
    if slug is not None:
        jour = chat_jour_public(slug=slug)
        if jour is None:
            raise Http404
        profile = jour_get_public(slug=slug, now=timezone.now())
    choices = chat_choices(jour_id=jour.pk if jour else None)
    status, network = choices.own, choices.network
    # Her jour is closed but the network is open: she is offered it at once, never a dead end.
    closed_offer = jour is not None and not status.open and network.open
    strings = {
        "connecting": _("Connecting…"),
        "queued": _("You are number %(position)s in the queue."),
        # Counted strings: every plural form and which number takes which (web/plurals.py).
        "wait_minutes": _wait(),
        "wait_soon": _("Expected wait: less than a minute."),
        "wait_unknown": _(
            "No one can answer right now. You can wait, or call Kvinnofridslinjen on 020-50 50 50."
        ),
        "wait_not_known": _("We cannot say yet how long the wait will be."),
        "any_wait_now": _("A jourkvinna at another jour in the network could answer you now."),
        "any_wait_minutes": _any_wait(),
        "ask_again": _(
            "You have waited a while. A jourkvinna at another jour in the network may answer you "
            "sooner, if you want: press the button below."
        ),
        "assigned": _("A jourkvinna at %(jour)s is here. You can write now."),
        "requeued": _("You are waiting for a new jourkvinna."),
        "requeued_jour": _("You are waiting for a jourkvinna at %(jour)s."),
        "peer_away": _("The jourkvinna's connection was lost. Wait a moment."),
        "peer_back": _("The jourkvinna is back."),
        "typing": _("The jourkvinna is writing…"),
        "you": _("You"),
        "her": _("Jourkvinna"),
        "sending": _("Sending…"),
        "reconnecting": _("The connection was lost. Reconnecting…"),
        "reconnected": _("Connected again."),
        "ended_her": _("You ended the chat. The conversation has been removed from this page."),
        "ended_staff": _("The jourkvinna ended the chat. The conversation has been removed from this page."),
        "ended_moved": _("The chat continues on another page or device. It has been removed from this page."),
        "ended_other": _("The chat has ended. The conversation has been removed from this page."),
        "code": _code(),
        "refused_blocked": _blocked(),
        "refused_no_such_code": _("That return code is not valid, or it has expired."),
        "refused_try_later": _("Too many attempts. Try again in a minute."),
        "refused_busy": _busy(
            jour.name if jour else "", [p.phone.number for p in profile.phones] if profile else []
        ),
        "refused_other": _("The chat could not start. Try again, or call Kvinnofridslinjen on 020-50 50 50."),
        "slow_down": _("You are writing very fast. Wait a moment and send again."),
        "too_large": _("The message is too long. Split it into shorter messages."),
        "any_jour_sent": _("Any jour in the network may answer you now."),
        "confirm_end": _("End the chat? The conversation will be removed from this page."),
    }
    response = render(
        request,
        "chat/chat.html",
        {
            "jour": jour,
            "profile": profile,
            "status": status,
            "network": network,
            "chat_open": status.open or closed_offer,
            "closed_offer": closed_offer,
            "offer": choices.offer and status.open,
            "own_wait": _wait_text(status),
            "network_wait": _wait_text(network),
            "open_jourer": [(j, _wait_text(s)) for j, s in choices.open_jourer],
            "strings": strings,
            "info_pages": INFO_PAGES,
            "demo_network": demo_network_present(),
        },
    )
    return no_store(response)  # type: ignore[return-value]
