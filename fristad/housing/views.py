"""Housing pages for the jour's staff and for caseworkers: parse a form, authorize through
the scoped selectors, call one service, render or redirect."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fristad.accounts.models import User
from fristad.directory.models import Language
from fristad.housing import selectors, services
from fristad.housing.forms import (
    AcceptForm,
    DeclineForm,
    EndForm,
    NeedsForm,
    OwnStayForm,
    RequestForm,
    TurnedAwayForm,
    UnitForm,
    VacancyForm,
    child_formset,
)
from fristad.housing.models import (
    HousingUnit,
    ItemState,
    PermitStatus,
    RequestStatus,
    SecurityLevel,
    StaffedHours,
)
from fristad.web.site import site_base_url

# Query keys that are not needs (kept out of the hidden copies of the search).
NOT_NEEDS = {"unit", "case_reference", "desired_start", "csrfmiddlewaretoken", "fler_barn"}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _base_url(request: HttpRequest) -> str:
    return site_base_url(request)


def _apply_errors(form: Form, problem: ValidationError) -> None:
    """A service's errors onto the form: by field where the form has it, else on top."""
    if hasattr(problem, "error_dict"):
        for name, errors in problem.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, problem.messages)


FEATURE_FIELDS = (
    "wheelchair_accessible",
    "limited_mobility",
    "pets_allowed",
    "allergy_rooms",
    "accepts_substance_use",
    "mental_health_support",
    "self_catering",
)


@lru_cache(maxsize=8)
def _labels(language: str) -> dict[str, str]:
    """The features' words in one language, made once (a result page shows dozens of units)."""
    with translation.override(language):
        labels = {
            "wheelchair_accessible": _("Wheelchair accessible"),
            "limited_mobility": _("Adapted for limited mobility"),
            "pets_allowed": _("Pets allowed"),
            "allergy_rooms": _("Animal-free rooms"),
            "accepts_substance_use": _("Accepts substance use"),
            "mental_health_support": _("Support for mental ill-health"),
            "self_catering": _("Self-catering"),
            "max_children": _("At most %(n)d children"),
            "son_age_limit": _("Sons up to age %(n)d"),
            "languages": _("Staff speak: %(languages)s"),
        }
        for level in SecurityLevel:
            # Translators: %(level)s is a security level: Basic, High or Very high.
            labels[f"security:{level.value}"] = _("%(level)s security") % {"level": level.label}
        for hours in StaffedHours:
            labels[f"hours:{hours.value}"] = str(hours.label)
        for code, name in Language.choices:
            labels[f"language:{code}"] = str(name)
    return labels


def features_of(facts: Any) -> list[str]:
    """The unit's features in words (from a model or a ``values()`` row)."""

    def get(name: str) -> Any:
        return facts[name] if isinstance(facts, dict) else getattr(facts, name)

    labels = _labels(translation.get_language() or settings.LANGUAGE_CODE)
    words = [labels[f"security:{get('security_level')}"], labels[f"hours:{get('staffed_hours')}"]]
    words += [labels[name] for name in FEATURE_FIELDS if get(name)]
    if get("max_children") is not None:
        words.append(labels["max_children"] % {"n": get("max_children")})
    if get("son_age_limit") is not None:
        words.append(labels["son_age_limit"] % {"n": get("son_age_limit")})
    spoken = [labels.get(f"language:{code}", code) for code in get("languages") or []]
    if spoken:
        words.append(labels["languages"] % {"languages": ", ".join(spoken)})
    return words


# --- The jour's housing -------------------------------------------------------------


@login_required
@require_safe
def jour_housing(request: HttpRequest, jour_id: int) -> HttpResponse:
    """Her jour's units and their vacancies, each with a one-step form for a phone."""
    user = _user(request)
    membership = selectors.housing_member(user=user, jour_id=jour_id)
    rows = selectors.jour_units(user=user, jour_id=jour_id, now=timezone.now())
    units = [
        {
            "row": row,
            "features": features_of(row.unit),
            "form": VacancyForm(
                initial={"free_adults": row.unit.free_adults, "free_children": row.unit.free_children},
                auto_id=f"u{row.unit.pk}_%s",
            ),
        }
        for row in rows
    ]
    context = {
        "jour": membership.jour,
        "units": units,
        "rights": selectors.has_housing_rights(membership),
        "stale_hours": settings.HOUSING_VACANCY_STALE_HOURS,
    }
    return render(request, "housing/jour_housing.html", context)


@login_required
@require_POST
def unit_vacancies(request: HttpRequest, jour_id: int, unit_id: int) -> HttpResponse:
    user = _user(request)
    unit = selectors.jour_unit(user=user, jour_id=jour_id, unit_id=unit_id)
    form = VacancyForm(request.POST)
    if form.is_valid():
        try:
            services.unit_set_vacancies(
                actor=user,
                unit=unit,
                free_adults=form.cleaned_data["free_adults"],
                free_children=form.cleaned_data["free_children"],
                now=timezone.now(),
            )
            messages.success(request, _("Vacancies for %(unit)s confirmed.") % {"unit": unit.name})
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
    else:
        messages.error(
            request,
            _("%(unit)s: %(errors)s")
            % {"unit": unit.name, "errors": " ".join(str(e) for errs in form.errors.values() for e in errs)},
        )
    return HttpResponseRedirect(
        reverse("housing:jour_housing", kwargs={"jour_id": jour_id}) + f"#unit-{unit.pk}"
    )


def _unit_initial(unit: HousingUnit) -> dict[str, Any]:
    return {name: getattr(unit, name) for name in UnitForm.base_fields if name != "municipality"} | {
        "municipality": unit.municipality_id
    }


@login_required
@require_http_methods(["GET", "POST"])
def unit_new(request: HttpRequest, jour_id: int) -> HttpResponse:
    user = _user(request)
    membership = selectors.housing_staff(user=user, jour_id=jour_id)
    jour = membership.jour
    assert jour is not None
    form = UnitForm(
        request.POST if request.method == "POST" else None,
        initial={"municipality": jour.home_municipality_id, "is_active": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_save(actor=user, jour=jour, unit=None, data=form.data_for_service())
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, _("The unit %(unit)s was added.") % {"unit": unit.name})
            return HttpResponseRedirect(reverse("housing:jour_housing", kwargs={"jour_id": jour_id}))
    return render(request, "housing/unit_form.html", {"jour": jour, "form": form, "unit": None})


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, jour_id: int, unit_id: int) -> HttpResponse:
    """The unit with its address (an audited read) for staff with housing rights."""
    user = _user(request)
    unit = selectors.jour_unit_with_address(user=user, jour_id=jour_id, unit_id=unit_id)
    form = UnitForm(request.POST if request.method == "POST" else None, initial=_unit_initial(unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_save(actor=user, jour=unit.jour, unit=unit, data=form.data_for_service())
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, _("The unit %(unit)s was saved.") % {"unit": unit.name})
            return HttpResponseRedirect(reverse("housing:jour_housing", kwargs={"jour_id": jour_id}))
    return render(request, "housing/unit_form.html", {"jour": unit.jour, "form": form, "unit": unit})


@login_required
@require_safe
def jour_requests(request: HttpRequest, jour_id: int) -> HttpResponse:
    user = _user(request)
    membership = selectors.housing_staff(user=user, jour_id=jour_id)
    items = selectors.jour_request_items(user=user, jour_id=jour_id)
    return render(
        request,
        "housing/jour_requests.html",
        {"jour": membership.jour, "items": items, "now": timezone.now()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def jour_request(request: HttpRequest, jour_id: int, item_id: int) -> HttpResponse:
    """One request to her jour: the needs, and accept or decline."""
    user = _user(request)
    item = selectors.jour_request_item(user=user, jour_id=jour_id, item_id=item_id)
    placement_request = item.request
    today = services.stockholm_today()
    action = request.POST.get("action", "")
    accept_form = AcceptForm(
        request.POST if action == "accept" else None,
        initial={"start": max(placement_request.desired_start, today)},
        auto_id="accept_%s",
    )
    decline_form = DeclineForm(request.POST if action == "decline" else None, auto_id="decline_%s")
    if request.method == "POST":
        url = reverse("housing:jour_request", kwargs={"jour_id": jour_id, "item_id": item_id})
        try:
            if action == "accept" and accept_form.is_valid():
                accepted = services.request_item_accept(
                    actor=user,
                    item=item,
                    start=accept_form.cleaned_data["start"],
                    daily_rate_woman=accept_form.cleaned_data["daily_rate_woman"],
                    daily_rate_child=accept_form.cleaned_data["daily_rate_child"],
                    base_url=_base_url(request),
                )
                messages.success(request, _("Accepted. The placement is recorded; the caseworker is told."))
                if accepted.permit_warning:
                    messages.warning(
                        request,
                        _("Warning: this unit has no granted IVO permit, and it has now taken a placement."),
                    )
                return HttpResponseRedirect(
                    reverse(
                        "housing:jour_placement", kwargs={"jour_id": jour_id, "stay_id": accepted.stay.pk}
                    )
                )
            if action == "decline" and decline_form.is_valid():
                services.request_item_decline(
                    actor=user,
                    item=item,
                    reason=decline_form.cleaned_data["reason"],
                    base_url=_base_url(request),
                )
                messages.success(request, _("Declined. The caseworker is told."))
                return HttpResponseRedirect(url)
            if action not in ("accept", "decline"):
                messages.error(request, _("Choose to accept or to decline."))
        except ValidationError as problem:
            form = accept_form if action == "accept" else decline_form
            _apply_errors(form, problem)
    context = {
        "jour": item.jour,
        "item": item,
        "req": placement_request,
        "children": selectors.children_of(placement_request),
        "accept_form": accept_form,
        "decline_form": decline_form,
        "pending": item.state == ItemState.PENDING
        and placement_request.status == RequestStatus.OPEN
        and placement_request.expires_at > timezone.now(),
        "permit_warning": item.unit.permit_status != PermitStatus.GRANTED,
        "security": SecurityLevel(placement_request.security_level).label
        if placement_request.security_level
        else "",
        "language": dict(Language.choices).get(placement_request.language, ""),
    }
    return render(request, "housing/jour_request.html", context)


@login_required
@require_safe
def jour_placements(request: HttpRequest, jour_id: int) -> HttpResponse:
    user = _user(request)
    membership = selectors.housing_staff(user=user, jour_id=jour_id)
    ended = request.GET.get("avslutade") == "1"
    stays = selectors.jour_stays(user=user, jour_id=jour_id, current=not ended)
    return render(
        request, "housing/jour_placements.html", {"jour": membership.jour, "stays": stays, "ended": ended}
    )


@login_required
@require_http_methods(["GET", "POST"])
def jour_placement_new(request: HttpRequest, jour_id: int) -> HttpResponse:
    """A stay the jour gives itself, without social services (no placing municipality)."""
    user = _user(request)
    membership = selectors.housing_staff(user=user, jour_id=jour_id)
    jour = membership.jour
    assert jour is not None
    units = [
        (r.unit.pk, r.unit.name) for r in selectors.jour_units(user=user, jour_id=jour_id, now=timezone.now())
    ]
    data = request.POST if request.method == "POST" else None
    form = OwnStayForm(data, units=units, initial={"start": services.stockholm_today()})
    children = child_formset(data)
    if request.method == "POST" and form.is_valid() and children.is_valid():
        unit = selectors.jour_unit(user=user, jour_id=jour_id, unit_id=form.cleaned_data["unit"])
        try:
            stay = services.stay_create_own(
                actor=user,
                jour=jour,
                unit=unit,
                adults=form.cleaned_data["adults"],
                children=children.children(),
                start=form.cleaned_data["start"],
                case_reference=form.cleaned_data["case_reference"],
            )
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, _("The stay is recorded."))
            return HttpResponseRedirect(
                reverse("housing:jour_placement", kwargs={"jour_id": jour_id, "stay_id": stay.pk})
            )
    return render(
        request, "housing/jour_placement_new.html", {"jour": jour, "form": form, "children": children}
    )


@login_required
@require_http_methods(["GET", "POST"])
def jour_placement(request: HttpRequest, jour_id: int, stay_id: int) -> HttpResponse:
    """One stay and its people (an audited read); ending it computes the nights."""
    user = _user(request)
    stay = selectors.jour_stay(user=user, jour_id=jour_id, stay_id=stay_id)
    person_action = request.method == "POST" and request.POST.get("action") == "person"
    form = EndForm(
        request.POST if request.method == "POST" and not person_action else None,
        initial={"end": services.stockholm_today()},
    )
    if person_action:
        raw = request.POST.get("person", "")
        person = next((p for p in stay.people.all() if str(p.pk) == raw), None)
        if person is None:
            raise Http404
        person_form = EndForm(request.POST, prefix=f"p{person.pk}")
        if person_form.is_valid():
            try:
                services.placement_person_end(
                    actor=user, placement=person, end=person_form.cleaned_data["end"]
                )
            except ValidationError as problem:
                messages.error(request, " ".join(problem.messages))
            else:
                messages.success(request, _("Moved out; her nights are counted and her place is free."))
        else:
            messages.error(request, " ".join(str(e) for errs in person_form.errors.values() for e in errs))
        return HttpResponseRedirect(request.path)
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_end(actor=user, stay=stay, end=form.cleaned_data["end"])
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, _("The stay has ended; nights are counted per person."))
            return HttpResponseRedirect(request.path)
    context = {"jour": stay.jour, "stay": stay, "form": form, "can_end": stay.end is None}
    return render(request, "housing/jour_placement.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def turned_away(request: HttpRequest, jour_id: int) -> HttpResponse:
    """Log an enquiry the jour could not take; the counts per month and reason."""
    user = _user(request)
    membership = selectors.housing_member(user=user, jour_id=jour_id)
    jour = membership.jour
    assert jour is not None
    today = services.stockholm_today()
    form = TurnedAwayForm(request.POST if request.method == "POST" else None, initial={"day": today})
    if request.method == "POST" and form.is_valid():
        try:
            services.turned_away_log(jour=jour, **form.cleaned_data)
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, _("Counted. Thank you."))
            return HttpResponseRedirect(request.path)
    since = date(today.year - 1, today.month, 1)
    counts = selectors.jour_turned_away_counts(user=user, jour_id=jour_id, since=since)
    return render(request, "housing/turned_away.html", {"jour": jour, "form": form, "counts": counts})


# --- The caseworker's side ----------------------------------------------------------


def _needs_forms(data: QueryDict | None, today: date, rows: int) -> tuple[NeedsForm, Any]:
    return NeedsForm(data, today=today), child_formset(data, rows=rows)


def _needs_query(data: QueryDict) -> list[tuple[str, str]]:
    return [(k, v) for k, values in data.lists() if k not in NOT_NEEDS for v in values]


@login_required
@require_safe
def search(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    municipality = selectors.caseworker_place(user=user, code=code)
    today = services.stockholm_today()
    submitted = "adults" in request.GET
    rows = 8 if request.GET.get("fler_barn") else 4
    form, children = _needs_forms(request.GET if submitted else None, today, rows)
    context: dict[str, Any] = {"municipality": municipality, "form": form, "children": children}
    if submitted and form.is_valid() and children.is_valid():
        result = selectors.housing_search(
            user=user,
            code=code,
            needs=form.needs(children.children()),
            exclude_municipalities=form.cleaned_data["exclude_municipalities"],
            exclude_counties=form.cleaned_data["exclude_counties"],
            now=timezone.now(),
        )
        context["result"] = result
        # Each result written out in the page (not an include per result: a page lists up to 80).
        context["full_hits"] = [{"hit": hit, "features": features_of(hit.facts)} for hit in result.full]
        context["near_hits"] = [{"hit": hit, "features": features_of(hit.facts)} for hit in result.near]
        context["hits"] = result.full or result.near
        context["needs_query"] = _needs_query(request.GET)
    return render(request, "housing/search.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest, code: str) -> HttpResponse:
    """The request to the units she chose, with the needs from her search."""
    user = _user(request)
    municipality = selectors.caseworker_place(user=user, code=code)
    data = request.POST if request.method == "POST" else request.GET
    today = services.stockholm_today()
    needs_form, children = _needs_forms(data, today, 4)
    # ASCII digits only: "²".isdigit() is true, and int() refuses it.
    wanted = [int(v) for v in data.getlist("unit") if v.isascii() and v.isdigit() and len(v) <= 12]
    units = selectors.units_for_request(user=user, code=code, unit_ids=wanted)
    # As in the search results: the jour and the county, never the unit's internal name
    # (a name like "the house on Storgatan" says where it is); several units of one jour
    # are numbered.
    seen: dict[int, int] = {}
    choices = []
    for u in units:
        seen[u.jour_id] = seen.get(u.jour_id, 0) + 1
        label = f"{u.jour.name}, {u.municipality.county.name}"
        choices.append((u.pk, label if seen[u.jour_id] == 1 else f"{label} ({seen[u.jour_id]})"))
    form = RequestForm(
        request.POST if request.method == "POST" else None,
        units=choices,
        initial={"unit": [u.pk for u in units], "desired_start": data.get("earliest") or today},
    )
    needs_ok = needs_form.is_valid() and children.is_valid()
    if request.method == "POST" and needs_ok and form.is_valid():
        chosen = [u for u in units if u.pk in form.cleaned_data["unit"]]
        try:
            created = services.placement_request_create(
                actor=user,
                municipality=municipality,
                units=chosen,
                case_reference=form.cleaned_data["case_reference"],
                needs=needs_form.needs(children.children()),
                desired_start=form.cleaned_data["desired_start"],
                base_url=_base_url(request),
            )
        except ValidationError as problem:
            _apply_errors(form, problem)
        else:
            messages.success(request, _("The request was sent. You get an e-mail when a jour answers."))
            return HttpResponseRedirect(
                reverse("housing:request", kwargs={"code": code, "request_id": created.pk})
            )
    context = {
        "municipality": municipality,
        "form": form,
        "needs_form": needs_form,
        "children": children,
        "needs_ok": needs_ok,
        "needs_query": _needs_query(data),
        "search_url": reverse("housing:search", kwargs={"code": code}) + "?" + urlencode(_needs_query(data)),
    }
    return render(request, "housing/request_new.html", context)


@login_required
@require_safe
def requests(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    municipality = selectors.caseworker_place(user=user, code=code)
    found = selectors.municipality_requests(user=user, code=code)
    return render(request, "housing/requests.html", {"municipality": municipality, "requests": found})


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, code: str, request_id: int) -> HttpResponse:
    """Her municipality's request, each jour's answer and the stay it led to; cancel while open."""
    user = _user(request)
    municipality = selectors.caseworker_place(user=user, code=code)
    found = selectors.municipality_request(user=user, code=code, request_id=request_id)
    if request.method == "POST":
        try:
            services.placement_request_cancel(actor=user, request=found)
            messages.success(request, _("The request was cancelled; the jourer no longer see it as waiting."))
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
        return HttpResponseRedirect(request.path)
    context = {
        "municipality": municipality,
        "req": found,
        "children": selectors.children_of(found),
        "stay": selectors.request_stay(request=found),
        "open": found.status == RequestStatus.OPEN,
        "language": dict(Language.choices).get(found.language, ""),
    }
    return render(request, "housing/request_detail.html", context)
