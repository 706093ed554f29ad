"""The console page (the socket does the rest), the coordinator's chat page and the national
office's view of the network."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fristad.accounts.models import User
from fristad.accounts.selectors import jour_people, jour_person
from fristad.accounts.services import membership_set_chat_capacity
from fristad.chat import selectors, services
from fristad.chat.forms import CannedResponseForm, CapacityForm, ChatSettingsForm


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_safe
def console(request: HttpRequest) -> HttpResponse:
    jourer = selectors.console_jourer(user=_user(request))
    if not jourer:
        raise Http404
    strings = {
        "available": _("Available"),
        "away": _("Away"),
        "no_chats": _("No chats right now."),
        "queue_empty": _("No one is waiting."),
        "take": _("Take"),
        "waited": _("waited %(minutes)s min"),
        "her": _("She"),
        "you": _("You"),
        "her_here": _("She is connected."),
        "her_away": _("Her connection was lost; she may come back."),
        "typing": _("She is writing…"),
        "ended_her": _("She ended the chat."),
        "ended_left": _("She left the chat."),
        "ended_blocked": _("The chat was blocked and ended."),
        "ended_staff": _("You ended the chat."),
        "transferred": _("The chat was handed over."),
        "lost": _("The chat went back to the queue."),
        # The console closed because she left the staff floor (the ``closed`` frame's reason).
        "closed_session_ended": _("You were signed out. Your chats went back to the queue."),
        "closed_deactivated": _("Your account was deactivated. Your chats went back to the queue."),
        "closed_removed": _("You no longer answer chats for a jour. Your chats went back to the queue."),
        "closed_pledge": _("Sign the new tystnadslöfte to continue. Your chats went back to the queue."),
        "closed_second_factor": _("Set up a second factor to continue. Your chats went back to the queue."),
        "closed_timeout": _("Your session reached its time limit. Your chats went back to the queue."),
        "closed_idle": _(
            "You were signed out after a while without activity. Your chats went back to the queue."
        ),
        "record": _("Record the contact for the statistics"),
        "note": _("Handover note"),
        "send": _("Send"),
        "message": _("Message"),
        "end": _("End chat"),
        "confirm_end": _("End this chat?"),
        "transfer": _("Hand over"),
        "transfer_to": _("Hand over to"),
        "colleagues": _("Colleagues"),
        "jourer": _("Other jourer"),
        "block": _("Block"),
        "block_for": _("Block for how long"),
        "close": _("Close"),
        "set_available": _("Set me available"),
        "set_away": _("Set me away"),
        "confirm_block": _("End the chat and block this visitor's page for the chosen time?"),
        "canned": _("Canned response"),
        "insert": _("Insert"),
        "refused": _("Not possible: %(reason)s"),
        "slow_down": _("Too fast; wait a moment."),
        "too_large": _("The message is too long. Split it into shorter messages."),
        "verify": _("Security code: %(code)s. Her page shows the same code; read it to her if she asks."),
        "reconnecting": _("Connection lost. Reconnecting…"),
        "connected": _("Connected."),
        "chosen": _("She chose %(jour)s"),
        "sending": _("sending…"),
        "minutes": _("%(minutes)s min"),
        "hours": _("%(hours)s h"),
    }
    record_urls = {
        j.pk: reverse("stats:contact_record_new", kwargs={"jour_id": j.pk}) + "?kanal=chat" for j in jourer
    }
    return render(
        request, "chat/console.html", {"jourer": jourer, "strings": strings, "record_urls": record_urls}
    )


@login_required
@require_http_methods(["GET", "POST"])
def jour_chat(request: HttpRequest, jour_id: int) -> HttpResponse:
    """Her jour's live queue and load (no message text), its chat settings and canned responses."""
    user = _user(request)
    overview = selectors.jour_chat_overview(user=user, jour_id=jour_id)
    here = reverse("chat_staff:jour_chat", kwargs={"jour_id": jour_id})
    settings_form = ChatSettingsForm(
        initial={
            "overflow_after_minutes": max(1, overview.settings.overflow_after_seconds // 60),
            "answers_overflow": overview.settings.answers_overflow,
        }
    )
    canned_form = CannedResponseForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "settings":
                settings_form = ChatSettingsForm(request.POST)
                if settings_form.is_valid():
                    services.chat_settings_save(
                        user=user,
                        jour_id=jour_id,
                        overflow_after_seconds=settings_form.cleaned_data["overflow_after_minutes"] * 60,
                        answers_overflow=settings_form.cleaned_data["answers_overflow"],
                    )
                    messages.success(request, _("Chat settings saved."))
                    return HttpResponseRedirect(here)
            elif action == "canned_add":
                canned_form = CannedResponseForm(request.POST)
                if canned_form.is_valid():
                    services.canned_response_save(user=user, jour_id=jour_id, **canned_form.cleaned_data)
                    messages.success(request, _("Canned response saved."))
                    return HttpResponseRedirect(here)
            elif action == "canned_delete":
                services.canned_response_delete(
                    user=user, jour_id=jour_id, response_id=_int(request.POST.get("response"))
                )
                messages.success(request, _("Canned response removed."))
                return HttpResponseRedirect(here)
            elif action == "capacity":
                form = CapacityForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("Choose between 1 and 6 chats at once."))
                membership = jour_person(
                    user=user, jour_id=jour_id, membership_id=form.cleaned_data["membership"]
                )
                membership_set_chat_capacity(
                    membership=membership, capacity=form.cleaned_data["capacity"], actor=user
                )
                messages.success(request, _("Saved."))
                return HttpResponseRedirect(here)
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    members = jour_people(user=user, jour_id=jour_id)
    return render(
        request,
        "chat/jour_chat.html",
        {
            "overview": overview,
            "settings_form": settings_form,
            "canned_form": canned_form,
            "members": sorted(members, key=lambda m: str(m.user)),
        },
    )


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise ValidationError(_("Unknown item.")) from None


@login_required
@require_safe
def national_network(request: HttpRequest) -> HttpResponse:
    """The national office's live view of the network's chat: counts only."""
    network = selectors.network_now(user=_user(request), now=timezone.now())
    return render(request, "chat/national_network.html", {"network": network})
