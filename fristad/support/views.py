"""Stödperson pages of her own jour: parse, authorize through the scoped selectors, call one service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fristad.accounts.models import User
from fristad.support import selectors, services
from fristad.support.forms import AppointmentForm, CaseForm
from fristad.support.models import SupportCase


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _case_url(case: SupportCase) -> str:
    return reverse("support:case_detail", kwargs={"jour_id": case.jour_id, "case_id": case.pk})


def _people_choices(user: User, jour_id: int) -> tuple[list[tuple[int, str]], dict[int, User]]:
    members = selectors.support_people(user=user, jour_id=jour_id)
    return [(m.user_id, str(m.user)) for m in members], {m.user_id: m.user for m in members}


@login_required
@require_safe
def case_list(request: HttpRequest, jour_id: int) -> HttpResponse:
    """Her jour's open cases with the next appointment, and closed ones until deleted."""
    user = _user(request)
    jour = selectors.support_jour(user=user, jour_id=jour_id)
    open_rows, closed_rows = selectors.support_case_overview(user=user, jour_id=jour_id, now=timezone.now())
    return render(
        request, "support/case_list.html", {"jour": jour, "open_rows": open_rows, "closed_rows": closed_rows}
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request: HttpRequest, jour_id: int) -> HttpResponse:
    user = _user(request)
    jour = selectors.support_jour(user=user, jour_id=jour_id)
    form = CaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.support_case_open(actor=user, jour=jour, **form.cleaned_data)
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, _("The support case was opened. Now plan an appointment."))
            return HttpResponseRedirect(
                reverse("support:appointment_new", kwargs={"jour_id": jour.pk, "case_id": case.pk})
            )
    return render(request, "support/case_form.html", {"jour": jour, "form": form, "case": None})


@login_required
@require_safe
def case_detail(request: HttpRequest, jour_id: int, case_id: int) -> HttpResponse:
    case = selectors.support_case_read(user=_user(request), jour_id=jour_id, case_id=case_id)
    context: dict[str, Any] = {
        "jour": case.jour,
        "case": case,
        "appointments": list(selectors.case_appointments(case)),
        "now": timezone.now(),
    }
    return render(request, "support/case_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, jour_id: int, case_id: int) -> HttpResponse:
    """Change the alias or the call-back number (or remove the number)."""
    user = _user(request)
    if request.method == "POST":
        case = selectors.support_case_for_change(user=user, jour_id=jour_id, case_id=case_id)
        form = CaseForm(request.POST)
        if form.is_valid():
            try:
                services.support_case_update(actor=user, case=case, **form.cleaned_data)
            except ValidationError as problem:
                form.add_error(None, problem)
            else:
                messages.success(request, _("The case was changed."))
                return HttpResponseRedirect(_case_url(case))
    else:
        case = selectors.support_case_read(user=user, jour_id=jour_id, case_id=case_id)
        form = CaseForm(initial={"alias": case.alias, "phone": case.phone})
    return render(request, "support/case_form.html", {"jour": case.jour, "form": form, "case": case})


@login_required
@require_POST
def case_status(request: HttpRequest, jour_id: int, case_id: int) -> HttpResponse:
    """Close the case (it is deleted some time after its last appointment) or reopen it."""
    user = _user(request)
    case = selectors.support_case_for_change(user=user, jour_id=jour_id, case_id=case_id)
    action = request.POST.get("action")
    try:
        if action == "close":
            services.support_case_close(actor=user, case=case, now=timezone.now())
            messages.success(request, _("The case is closed. It will be deleted after the retention time."))
        elif action == "reopen":
            services.support_case_reopen(actor=user, case=case)
            messages.success(request, _("The case is open again."))
        else:
            messages.error(request, _("Choose whether to close or reopen the case."))
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return HttpResponseRedirect(_case_url(case))


def _appointment_page(
    request: HttpRequest, *, user: User, jour_id: int, case_id: int, appointment_id: int | None
) -> HttpResponse:
    """Add (``appointment_id`` None) or change an appointment."""
    choices, people = _people_choices(user, jour_id)
    posted = request.method == "POST"
    appointment = None
    if appointment_id is not None:
        appointment = selectors.appointment_for_change(
            user=user, jour_id=jour_id, case_id=case_id, appointment_id=appointment_id
        )
        case = appointment.case
        if not posted:
            selectors.support_case_read(user=user, jour_id=jour_id, case_id=case_id)
    elif posted:
        case = selectors.support_case_for_change(user=user, jour_id=jour_id, case_id=case_id)
    else:
        case = selectors.support_case_read(user=user, jour_id=jour_id, case_id=case_id)
    if appointment is not None:
        initial = AppointmentForm.initial_for(appointment)
    else:
        initial = {"people": [user.pk] if user.pk in people else []}
    form = AppointmentForm(request.POST if posted else None, initial=initial, people=choices)
    if posted and form.is_valid():
        start, end = form.span()
        fields: dict[str, Any] = {
            "actor": user,
            "kind": form.cleaned_data["kind"],
            "start": start,
            "end": end,
            "place": form.cleaned_data["place"],
            "people": [people[pk] for pk in form.cleaned_data["people"]],
        }
        try:
            if appointment is None:
                services.appointment_create(case=case, **fields)
                messages.success(request, _("The appointment was added."))
            else:
                services.appointment_update(appointment=appointment, **fields)
                messages.success(request, _("The appointment was changed."))
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            return HttpResponseRedirect(_case_url(case))
    context = {"jour": case.jour, "case": case, "form": form, "appointment": appointment}
    return render(request, "support/appointment_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: HttpRequest, jour_id: int, case_id: int) -> HttpResponse:
    return _appointment_page(
        request, user=_user(request), jour_id=jour_id, case_id=case_id, appointment_id=None
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_edit(request: HttpRequest, jour_id: int, case_id: int, appointment_id: int) -> HttpResponse:
    return _appointment_page(
        request, user=_user(request), jour_id=jour_id, case_id=case_id, appointment_id=appointment_id
    )


@login_required
@require_POST
def appointment_cancel(request: HttpRequest, jour_id: int, case_id: int, appointment_id: int) -> HttpResponse:
    user = _user(request)
    appointment = selectors.appointment_for_change(
        user=user, jour_id=jour_id, case_id=case_id, appointment_id=appointment_id
    )
    try:
        services.appointment_cancel(actor=user, appointment=appointment, now=timezone.now())
        messages.success(request, _("The appointment was cancelled."))
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return HttpResponseRedirect(_case_url(appointment.case))


@login_required
@require_safe
def my_appointments(request: HttpRequest, jour_id: int) -> HttpResponse:
    """Her own coming appointments at this jour, with the alias and place she needs."""
    user = _user(request)
    jour = selectors.support_jour(user=user, jour_id=jour_id)
    now = timezone.now()
    found = selectors.my_appointments(user=user, jour_id=jour_id, since=now)
    return render(request, "support/my_appointments.html", {"jour": jour, "appointments": found})
