"""Staff views: parse, authorize through the scoped selectors, call one service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from allauth.account.internal.flows.login import record_authentication
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fristad.accounts import appointments, selectors, services, shifts
from fristad.accounts.coverage import iso_week_label, iso_week_parse, week_monday
from fristad.accounts.forms import (
    InviteAcceptForm,
    JourAddForm,
    JourInviteForm,
    JourProfileForm,
    NationalInviteForm,
    PhoneFormSet,
    PledgeForm,
    RoleForm,
    ShiftForm,
)
from fristad.accounts.ical import CalendarEvent, render_calendar
from fristad.accounts.models import Role, ShiftKind, User
from fristad.accounts.schedule import week_bounds
from fristad.directory.hours import STOCKHOLM
from fristad.directory.jourfile import format_exceptions, format_weekly
from fristad.directory.models import Jour
from fristad.directory.selectors import jour_spec, jour_view_uncached
from fristad.web.site import site_base_url


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _invite_link(request: HttpRequest, token: str) -> str:
    return services.invite_link(base_url=site_base_url(request), token=token)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "accounts/dashboard.html",
        {"memberships": selectors.memberships_of(user), "national": selectors.is_national_office(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def pledge(request: HttpRequest) -> HttpResponse:
    version = selectors.pledge_current()
    if version is None:
        return HttpResponseRedirect(reverse("accounts:dashboard"))
    form = PledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.pledge_sign(user=_user(request), version=version)
        messages.success(request, _("Thank you. You have signed the promise of confidentiality."))
        return HttpResponseRedirect(reverse("accounts:dashboard"))
    text = version.text_sv if get_language() == "sv" else version.text_en
    return render(request, "accounts/pledge.html", {"form": form, "version": version, "text": text})


@require_http_methods(["GET", "POST"])
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) > 100:
        return render(
            request,
            "accounts/invite_invalid.html",
            {"message": _("This invite link is not valid.")},
            status=404,
        )
    try:
        invite = services.invite_check(token=token)
    except services.InviteInvalid as problem:
        return render(request, "accounts/invite_invalid.html", {"message": str(problem)}, status=410)
    if services.invite_for_existing_account(invite):
        return _invite_accept_existing(request, token, invite)
    form = InviteAcceptForm(request.POST if request.method == "POST" else None, email=invite.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_accept(
                token=token, password=form.cleaned_data["password1"], full_name=form.cleaned_data["full_name"]
            )
        except services.InviteInvalid as problem:
            return render(request, "accounts/invite_invalid.html", {"message": str(problem)}, status=410)
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
        # She just proved her password: she may set up her factor without signing in again.
        record_authentication(request, user, method="password", email=user.email, reauthenticated=True)
        messages.info(
            request, _("Welcome. Now set up your second factor: an app that shows a six-digit code.")
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))
    return render(request, "accounts/invite_accept.html", {"form": form, "invite": invite})


def _invite_accept_existing(request: HttpRequest, token: str, invite: Any) -> HttpResponse:
    """She already has an account: she signs in as herself (both factors) before she accepts."""
    user = request.user
    if not user.is_authenticated or user.email != invite.email:
        login_url = reverse("account_login") + "?next=" + request.path
        return render(request, "accounts/invite_existing.html", {"invite": invite, "login_url": login_url})
    if request.method == "POST":
        try:
            services.invite_accept_signed_in(token=token, user=user)
        except services.InviteInvalid as problem:
            return render(request, "accounts/invite_invalid.html", {"message": str(problem)}, status=410)
        messages.success(request, _("You have accepted the invite."))
        return HttpResponseRedirect(reverse("accounts:dashboard"))
    return render(request, "accounts/invite_existing.html", {"invite": invite, "confirm": True})


@login_required
@require_http_methods(["GET", "POST"])
def jour_people(request: HttpRequest, jour_id: int) -> HttpResponse:
    user = _user(request)
    membership = selectors.jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
    if request.method == "POST" and request.POST.get("action") == "housing":
        return _jour_person_housing(request, user, jour_id)
    form = JourInviteForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"jour": membership.jour, "form": form}
    if request.method == "POST" and form.is_valid():
        issued = services.invite_create(
            invited_by=user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            jour=membership.jour,
            base_url=site_base_url(request),
        )
        context["invite_link"] = _invite_link(request, issued.token)
        context["form"] = JourInviteForm()
    context["people"] = selectors.jour_pledge_status(user=user, jour_id=jour_id)
    context["invites"] = list(selectors.jour_invites_open(user=user, jour_id=jour_id))
    context["role_form"] = RoleForm()
    return render(request, "accounts/jour_people.html", context)


def _jour_person_housing(request: HttpRequest, user: User, jour_id: int) -> HttpResponse:
    """The coordinator gives or takes a person's housing rights (posted to the people page)."""
    raw = request.POST.get("membership", "")
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    person = selectors.jour_person(user=user, jour_id=jour_id, membership_id=int(raw))
    try:
        services.membership_set_housing(
            membership=person, housing=request.POST.get("housing") == "1", actor=user
        )
        messages.success(request, _("Housing rights were changed."))
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return HttpResponseRedirect(reverse("accounts:jour_people", kwargs={"jour_id": jour_id}))


@login_required
@require_POST
def jour_person_role(request: HttpRequest, jour_id: int, membership_id: int) -> HttpResponse:
    user = _user(request)
    membership = selectors.jour_person(user=user, jour_id=jour_id, membership_id=membership_id)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(membership=membership, role=form.cleaned_data["role"], actor=user)
            messages.success(request, _("The role was changed."))
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
    else:
        messages.error(request, _("Choose a role from the list."))
    return HttpResponseRedirect(reverse("accounts:jour_people", kwargs={"jour_id": jour_id}))


@login_required
@require_POST
def jour_person_remove(request: HttpRequest, jour_id: int, membership_id: int) -> HttpResponse:
    user = _user(request)
    membership = selectors.jour_person(user=user, jour_id=jour_id, membership_id=membership_id)
    try:
        services.membership_remove(membership=membership, actor=user)
        messages.success(request, _("She no longer belongs to the jour."))
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return HttpResponseRedirect(reverse("accounts:jour_people", kwargs={"jour_id": jour_id}))


@login_required
@require_POST
def jour_invite_revoke(request: HttpRequest, jour_id: int, invite_id: int) -> HttpResponse:
    user = _user(request)
    invite = selectors.jour_invite(user=user, jour_id=jour_id, invite_id=invite_id)
    services.invite_revoke(invite=invite, actor=user)
    messages.success(request, _("The invite was withdrawn."))
    return HttpResponseRedirect(reverse("accounts:jour_people", kwargs={"jour_id": jour_id}))


@login_required
@require_http_methods(["GET", "POST"])
def jour_profile(request: HttpRequest, jour_id: int) -> HttpResponse:
    """The coordinator edits what the public sees about her jour, with a preview."""
    user = _user(request)
    jour = selectors.jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,)).jour
    assert jour is not None
    current = jour_spec(jour_id=jour.pk)
    initial = {
        "chats": current.chats,
        "services": current.services,
        "languages": current.languages,
        "accessibility_notes": current.accessibility_notes,
        "email": current.email,
        "website": current.website,
    }
    phones_initial = [
        {
            "kind": p.kind,
            "number": p.number,
            "hours": format_weekly(p.weekly),
            "exceptions": format_exceptions(p.exceptions),
        }
        for p in current.phones
    ]
    form = JourProfileForm(request.POST if request.method == "POST" else None, initial=initial)
    phones = PhoneFormSet(
        request.POST if request.method == "POST" else None, initial=phones_initial, prefix="phones"
    )
    preview = None
    if request.method == "POST" and form.is_valid() and phones.is_valid():
        changes = services.ProfileChanges(
            chats=form.cleaned_data["chats"],
            services=form.cleaned_data["services"],
            languages=form.cleaned_data["languages"],
            accessibility_notes=form.cleaned_data["accessibility_notes"],
            email=form.cleaned_data["email"],
            website=form.cleaned_data["website"],
            phones=[
                f.cleaned_data["spec"]
                for f in phones.forms
                if f.cleaned_data.get("spec") and not f.cleaned_data.get("DELETE")
            ],
        )
        if request.POST.get("action") == "preview":
            preview = services.jour_profile_preview(jour=jour, changes=changes, now=timezone.now())
        else:
            services.jour_profile_save(actor=user, jour=jour, changes=changes)
            messages.success(request, _("Saved. The public page shows the change now."))
            return HttpResponseRedirect(reverse("accounts:jour_profile", kwargs={"jour_id": jour.pk}))
    if preview is None and request.method == "GET":
        preview = jour_view_uncached(jour_id=jour.pk, now=timezone.now())
    return render(
        request,
        "accounts/jour_profile.html",
        {"jour": jour, "form": form, "phones": phones, "j": preview},
    )


@login_required
def jour_audit(request: HttpRequest, jour_id: int) -> HttpResponse:
    user = _user(request)
    membership = selectors.jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
    events = selectors.jour_audit_events(user=user, jour_id=jour_id)
    return render(request, "accounts/audit.html", {"events": events, "jour": membership.jour})


@login_required
@require_http_methods(["GET", "POST"])
def national_jourer(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    jourer = selectors.national_member_jourer(user=user)
    form = NationalInviteForm(
        request.POST if request.method == "POST" else None, jour_choices=[(j.pk, j.name) for j in jourer]
    )
    context: dict[str, Any] = {"jourer": jourer, "form": form, "add_form": JourAddForm()}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        jour = next((j for j in jourer if j.pk == data.get("jour")), None)
        issued = services.invite_create(
            invited_by=user,
            email=data["email"],
            role=data["role"],
            jour=jour,
            municipality=data.get("municipality"),
            base_url=site_base_url(request),
        )
        context["invite_link"] = _invite_link(request, issued.token)
    return render(request, "accounts/national_jourer.html", context)


@login_required
@require_POST
def national_jour_add(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    selectors.national_member_jourer(user=user)  # the national office only
    form = JourAddForm(request.POST)
    if form.is_valid():
        try:
            jour = services.jour_add(actor=user, **form.cleaned_data)
            messages.success(
                request, _("%(name)s was added. It is public once it is reactivated.") % {"name": jour.name}
            )
        except ValidationError as problem:
            messages.error(request, " ".join(problem.messages))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return HttpResponseRedirect(reverse("accounts:national_jourer"))


@login_required
@require_POST
def national_jour_remove(request: HttpRequest, jour_id: int) -> HttpResponse:
    user = _user(request)
    jour: Jour = selectors.national_member_jour(user=user, jour_id=jour_id)
    if request.POST.get("confirm") != jour.slug:
        messages.error(request, _("Write the jour's short name to confirm the removal."))
    else:
        try:
            services.jour_remove(actor=user, jour=jour)
        except ProtectedError as refused:
            # Its records say why (housing: a stay not ended, a request not answered).
            messages.error(
                request,
                _("%(name)s was not removed. %(reason)s") % {"name": jour.name, "reason": refused.args[0]},
            )
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": jour.name})
    return HttpResponseRedirect(reverse("accounts:national_jourer"))


@login_required
@require_POST
def national_jour_active(request: HttpRequest, jour_id: int) -> HttpResponse:
    user = _user(request)
    jour: Jour = selectors.national_member_jour(user=user, jour_id=jour_id)
    if request.POST.get("active") == "1":
        services.jour_reactivate(jour=jour, actor=user)
        messages.success(request, _("%(name)s is public again.") % {"name": jour.name})
    else:
        services.jour_suspend(jour=jour, actor=user)
        messages.success(request, _("%(name)s is suspended and no longer public.") % {"name": jour.name})
    return HttpResponseRedirect(reverse("accounts:national_jourer"))


@login_required
def national_audit(request: HttpRequest) -> HttpResponse:
    events = selectors.national_audit_events(user=_user(request))
    return render(request, "accounts/audit.html", {"events": events, "jour": None})


def _week_day(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("vecka", "")[:10])
    except ValueError:
        return timezone.now().astimezone(STOCKHOLM).date()


@login_required
@require_http_methods(["GET", "POST"])
def jour_schedule(request: HttpRequest, jour_id: int) -> HttpResponse:
    """The week view: her jour's shifts; the coordinator adds shifts and sees the gaps."""
    user = _user(request)
    day = _week_day(request)
    jour, days = selectors.jour_week(user=user, jour_id=jour_id, day=day)
    is_admin = selectors.jour_membership(user=user, jour_id=jour_id).role == Role.JOUR_ADMIN
    context: dict[str, Any] = {"jour": jour, "days": days, "day": day, "is_admin": is_admin}
    context["previous_week"] = day - timedelta(days=7)
    context["next_week"] = day + timedelta(days=7)
    # Her own appointments elsewhere (stödperson): kind and time only.
    week_start, week_end = week_bounds(day)
    context["appointments"] = appointments.appointments_for(
        user=user, start=week_start, end=week_end, jour_id=jour.pk
    )
    if is_admin:
        people = [
            (m.user_id, str(m.user)) for m in selectors.jour_members_for_shifts(user=user, jour_id=jour_id)
        ]
        phones = [(p.pk, p.number) for p in selectors.jour_phones(user=user, jour_id=jour_id)]
        form = ShiftForm(
            request.POST if request.method == "POST" else None,
            people=people,
            phones=phones,
            initial={"day": day},
        )
        if request.method == "POST" and form.is_valid():
            start, end = form.span()
            members = {
                m.user_id: m.user for m in selectors.jour_members_for_shifts(user=user, jour_id=jour_id)
            }
            phone_objects = {p.pk: p for p in selectors.jour_phones(user=user, jour_id=jour_id)}
            try:
                shifts.shift_create(
                    actor=user,
                    jour=jour,
                    kind=form.cleaned_data["kind"],
                    start=start,
                    end=end,
                    person=members.get(form.cleaned_data["person"]) if form.cleaned_data["person"] else None,
                    phone=phone_objects.get(form.cleaned_data["phone"])
                    if form.cleaned_data["phone"]
                    else None,
                )
                messages.success(request, _("The shift was added."))
                return HttpResponseRedirect(f"{request.path}?vecka={start.date().isoformat()}")
            except ValidationError as problem:
                form.add_error(None, problem)
        context["form"] = form
        context["gaps"] = selectors.jour_week_gaps(user=user, jour_id=jour_id, day=day)
    elif request.method == "POST":
        raise Http404
    return render(request, "accounts/jour_schedule.html", context)


@login_required
@require_POST
def jour_shift_action(request: HttpRequest, jour_id: int, shift_id: int, action: str) -> HttpResponse:
    user = _user(request)
    shift = selectors.jour_shift(user=user, jour_id=jour_id, shift_id=shift_id)
    try:
        if action == "erbjud":
            shifts.shift_offer(actor=user, shift=shift)
            messages.success(request, _("Your shift is offered for swap."))
        elif action == "behall":
            shifts.shift_withdraw_offer(actor=user, shift=shift)
            messages.success(request, _("Your shift is no longer offered."))
        elif action == "ta":
            shifts.shift_take(actor=user, shift_id=shift.pk)
            messages.success(request, _("The shift is yours."))
        elif action == "ta-bort":
            selectors.jour_membership(user=user, jour_id=jour_id, roles=(Role.JOUR_ADMIN,))
            shifts.shift_delete(shift=shift)
            messages.success(request, _("The shift was removed."))
        else:
            raise Http404
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    week = shift.start.astimezone(STOCKHOLM).date().isoformat()
    return HttpResponseRedirect(
        reverse("accounts:jour_schedule", kwargs={"jour_id": jour_id}) + f"?vecka={week}"
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {}
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            shifts.calendar_feed_revoke(user=user)
            messages.success(request, _("The calendar link no longer works."))
        else:
            token = shifts.calendar_feed_issue(user=user)
            context["feed_url"] = request.build_absolute_uri(
                reverse("accounts:calendar_feed", kwargs={"token": token})
            )
    context["active"] = selectors.calendar_feed_active(user=user)
    return render(request, "accounts/calendar.html", context)


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """Her own shifts as iCalendar, for her calendar app. Nothing about help-seekers."""
    found = (
        selectors.calendar_feed_events(token=token[:100], now=timezone.now()) if len(token) <= 100 else None
    )
    if found is None:
        raise Http404
    _person, own_shifts = found
    events = [
        CalendarEvent(
            uid=f"shift-{s.pk}@fristad",
            start=s.start,
            end=s.end,
            summary=f"{ShiftKind(s.kind).label}: {s.jour.name}",
        )
        for s in own_shifts
    ]
    # Her stödperson appointments and the like: a kind and a time, never who or where.
    now = timezone.now()
    events += [
        CalendarEvent(uid=item.uid, start=item.start, end=item.end, summary=item.summary)
        for item in appointments.appointments_for(
            user=_person, start=now - timedelta(weeks=2), end=now + timedelta(weeks=10)
        )
    ]
    body = render_calendar(name=str(_("Jourschema")), events=events, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, max-age=0"
    return response


COVERAGE_KINDS = {"chatt": ShiftKind.CHAT, "telefon": ShiftKind.PHONE}


@login_required
@require_safe
def national_coverage(request: HttpRequest) -> HttpResponse:
    """The national office's weekly coverage map: the Stockholm hours no jour has a staffed
    chat (or phone) shift for. A week or kind it cannot read is said so, with a 400 and the
    current week's chat map, never a 500."""
    today = timezone.now().astimezone(STOCKHOLM).date()
    asked = request.GET.get("vecka", "")
    monday = iso_week_parse(asked) if asked else week_monday(today)
    channel = request.GET.get("kanal", "chatt")
    kind = COVERAGE_KINDS.get(channel)
    errors = []
    if monday is None:
        errors.append(_("Give the week as year, W and week number, for example 2026-W49."))
    if kind is None:
        errors.append(_("Choose chat or phone shifts."))
    if errors:
        monday, kind, channel = week_monday(today), ShiftKind.CHAT, "chatt"
    assert monday is not None and kind is not None
    coverage = selectors.network_coverage_week(user=_user(request), monday=monday, kind=kind)
    context = {"coverage": coverage, "channel": channel, "errors": errors, "this_week": iso_week_label(today)}
    return render(request, "accounts/national_coverage.html", context, status=400 if errors else 200)
