"""Contact records of her own jour: parse, authorize through the scoped selectors, call one service."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fristad.accounts.models import User
from fristad.stats import selectors, services
from fristad.stats.forms import ContactRecordForm
from fristad.stats.models import Channel
from fristad.stats.periods import month_step, parse_month, stockholm_today


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _list_url(jour_id: int, day: dt.date) -> str:
    url = reverse("stats:contact_records", kwargs={"jour_id": jour_id})
    return f"{url}?{urlencode({'manad': day.strftime('%Y-%m')})}"


@login_required
@require_safe
def contact_records(request: HttpRequest, jour_id: int) -> HttpResponse:
    """One month of her jour's contacts (this month unless ``?manad=YYYY-MM``) and their counts."""
    user = _user(request)
    jour = selectors.contact_jour(user=user, jour_id=jour_id)
    today = stockholm_today()
    first = parse_month(request.GET.get("manad", ""), default=today)
    records = selectors.contact_records_of_month(
        user=user, jour_id=jour_id, year=first.year, month=first.month
    )
    counts = selectors.contact_counts_by_channel(
        user=user, jour_id=jour_id, year=first.year, month=first.month
    )
    following = month_step(first, 1)
    context: dict[str, Any] = {
        "jour": jour,
        "month": first,
        "records": records,
        "counts": counts,
        "total": sum(c.count for c in counts),
        "previous_month": month_step(first, -1),
        "next_month": following if following <= today else None,
    }
    return render(request, "stats/contact_records.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def contact_record_new(request: HttpRequest, jour_id: int) -> HttpResponse:
    """The form after a contact; ``?kanal=chat`` (or phone, sms, email, visit) preselects the channel."""
    jour = selectors.contact_jour(user=_user(request), jour_id=jour_id)
    today = stockholm_today()
    channel = request.GET.get("kanal", "")
    initial = {"date": today, "channel": channel if channel in Channel.values else None}
    form = ContactRecordForm(request.POST if request.method == "POST" else None, initial=initial, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.contact_record_create(jour=jour, **form.answers())
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, _("The contact was recorded. Thank you."))
            if request.POST.get("action") == "another":
                url = reverse("stats:contact_record_new", kwargs={"jour_id": jour.pk})
                return HttpResponseRedirect(f"{url}?{urlencode({'kanal': record.channel})}")
            return HttpResponseRedirect(_list_url(jour.pk, record.date))
    return render(request, "stats/contact_record_form.html", {"jour": jour, "form": form, "record": None})


@login_required
@require_http_methods(["GET", "POST"])
def contact_record_edit(request: HttpRequest, jour_id: int, record_id: UUID) -> HttpResponse:
    """A correction by anyone at the jour."""
    user = _user(request)
    jour = selectors.contact_jour(user=user, jour_id=jour_id)
    record = selectors.contact_record_get(user=user, jour_id=jour_id, record_id=record_id)
    form = ContactRecordForm(
        request.POST if request.method == "POST" else None,
        initial=ContactRecordForm.initial_for(record),
        today=stockholm_today(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_record_update(record=record, **form.answers())
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, _("The record was corrected."))
            return HttpResponseRedirect(_list_url(jour.pk, record.date))
    return render(request, "stats/contact_record_form.html", {"jour": jour, "form": form, "record": record})


@login_required
@require_POST
def contact_record_delete(request: HttpRequest, jour_id: int, record_id: UUID) -> HttpResponse:
    record = selectors.contact_record_get(user=_user(request), jour_id=jour_id, record_id=record_id)
    day = record.date
    services.contact_record_delete(record=record)
    messages.success(request, _("The record was removed."))
    return HttpResponseRedirect(_list_url(jour_id, day))
