"""The public "Få stöd" site. Thin views: parse, call a selector, render.

Every response here is public: no cookie, nothing from another host, and search
results are never cached by the browser.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from fristad.directory.chatstatus import chat_status
from fristad.directory.forms import SearchForm
from fristad.directory.hours import weekly_groups
from fristad.directory.models import PhoneKind
from fristad.directory.pages import INFO_PAGES, INFO_PAGES_BY_SLUG
from fristad.directory.selectors import (
    JourView,
    demo_network_present,
    jour_get_public,
    jour_list_public,
    jour_search,
)
from fristad.directory.templatetags.directory import opening_text, status_text
from fristad.geo.models import Municipality
from fristad.geo.selectors import (
    looks_like_postal_code,
    municipality_names,
    municipality_search,
    postal_code_get,
    postal_code_normalize,
)
from fristad.web.privacy import allow_geolocation, no_store


def _base_context(**extra: Any) -> dict[str, Any]:
    return {"info_pages": INFO_PAGES, "demo_network": demo_network_present(), **extra}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    context = _base_context(form=SearchForm(), all_languages_page=True, chat=chat_status([None])[None])
    return allow_geolocation(render(request, "directory/home.html", context))  # type: ignore[return-value]


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Postal code or municipality name to the nearest jourer."""
    form = SearchForm(request.GET or None)
    context = _base_context(form=form, searched=bool(request.GET))
    if not request.GET:
        context["message"] = _("Write a postal code (like 115 20) or the name of a municipality.")
    elif form.is_valid():
        context.update(_search_results(form))
    response = render(request, "directory/search.html", context)
    return allow_geolocation(no_store(response))  # type: ignore[return-value]


def _search_results(form: SearchForm) -> dict[str, Any]:
    query = form.cleaned_data["q"].strip()
    municipality: Municipality | None = None
    context: dict[str, Any] = {}
    postal = postal_code_normalize(query)
    if postal:
        found = postal_code_get(postal)
        if found is None:
            context["message"] = _(
                "We do not know the postal code %(code)s. It may be new. "
                "Search with the name of your municipality instead."
            ) % {"code": f"{postal[:3]} {postal[3:]}"}
            return context
        municipality = found.municipality
        context["place"] = found.locality
    elif looks_like_postal_code(query):
        context["message"] = _(
            "A Swedish postal code has five digits, like 115 20. Check the number, or search by municipality."
        )
        return context
    else:
        match = municipality_search(query)
        if match.municipality is None and match.candidates:
            context["candidates"] = match.candidates
            context["message"] = _("Several municipalities match. Which one did you mean?")
            return context
        if match.municipality is None:
            context["message"] = _(
                "We found no municipality with that name. Check the spelling, or search by postal code."
            )
            return context
        municipality = match.municipality
    context["municipality"] = municipality
    results = jour_search(municipality=municipality, filters=form.filters(), now=timezone.now())
    context["results"] = results
    context["nearest"] = results[0] if results else None
    if not results:
        context["message"] = _("No jour matches all your choices. Try with fewer filters.")
    return context


@require_safe
def jour_list(request: HttpRequest) -> HttpResponse:
    views = jour_list_public(now=timezone.now())
    return render(request, "directory/jour_list.html", _base_context(jourer=views))


@require_safe
def jour_detail(request: HttpRequest, slug: str) -> HttpResponse:
    view = jour_get_public(slug=slug, now=timezone.now())
    if view is None:
        raise Http404
    chat = chat_status([view.jour.pk])[view.jour.pk] if view.jour.chats else None
    return render(request, "directory/jour_detail.html", _base_context(j=view, chat=chat))


@require_safe
def info_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = INFO_PAGES_BY_SLUG.get(slug)
    if page is None:
        raise Http404
    context = _base_context(page=page, all_languages_page=page.all_languages)
    return render(request, f"directory/info/{page.slug}.html", context)


def _jour_json(view: JourView) -> dict[str, Any]:
    jour = view.jour
    home = jour.home_municipality
    return {
        "name": jour.name,
        "url": reverse("directory:jour", kwargs={"slug": jour.slug}),
        "municipality": home.name,
        "county": home.county.name,
        "lat": home.latitude,
        "lon": home.longitude,
        "open": view.is_open,
        "chats": jour.chats,
        "shelter": view.offers_shelter,
        "phones": [
            {
                "kind": PhoneKind(p.phone.kind).label,
                "number": p.phone.number,
                "tel": "".join(ch for ch in p.phone.number if ch.isdigit() or ch == "+"),
                "open": p.status.is_open,
                "status": status_text(p.status),
                "hours": [f"{days}: {text}" for days, text in opening_text(weekly_groups(p.schedule))],
            }
            for p in view.phones
        ],
    }


@require_safe
def jourer_json(request: HttpRequest) -> JsonResponse:
    """The published list the browser uses to order jourer by her position.

    Her position is computed and used in the browser only; this list is the
    same for everyone.
    """
    views = jour_list_public(now=timezone.now())
    response = JsonResponse(
        {"jourer": [_jour_json(v) for v in views]}, json_dumps_params={"ensure_ascii": False}
    )
    return no_store(response)  # type: ignore[return-value]


@require_safe
def municipalities_json(request: HttpRequest) -> JsonResponse:
    response = JsonResponse({"names": municipality_names()}, json_dumps_params={"ensure_ascii": False})
    return no_store(response)  # type: ignore[return-value]
