"""FICTIONAL demo housing: units with some vacancies at the demo jourer that offer skyddat
boende, so that the caseworker's search has something to find.

Everything is invented: unit names say "(demo)", the addresses are made-up streets marked
"(demo)", permit numbers start with "DEMO". Only jourer with ``is_demo`` get units. The
build is deterministic and idempotent (units are matched by jour and name); running it
again confirms the vacancies anew.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from fristad.directory.models import Jour, Service
from fristad.housing.models import (
    HousingUnit,
    PermitStatus,
    PlacementRequest,
    RequestItem,
    SecurityLevel,
    StaffedHours,
    Stay,
    TurnedAway,
)

UNIT_NAMES = ("Lägenheten Tallen (demo)", "Huset Eken (demo)", "Våningen Björken (demo)")
LANGUAGE_SETS = (["sv"], ["sv", "en"], ["sv", "ar", "en"], ["sv", "fa"], ["sv", "so", "ti"])


@transaction.atomic
def demo_housing_build() -> int:
    """Create or update the demo units; returns how many there are."""
    now = timezone.now()
    count = 0
    jourer = Jour.objects.filter(is_demo=True, services__service=Service.SKYDDAT_BOENDE).order_by("slug")
    for index, jour in enumerate(jourer):
        for number in range(1 + index % 3):
            variant = index + number
            places_adults = 2 + variant % 4
            places_children = 3 + (variant * 2) % 6
            free = variant % 3 != 0  # about two in three have a free place
            defaults = {
                "address": f"Påhittade vägen {10 + variant} (demo)",
                "municipality": jour.home_municipality,
                "is_active": True,
                "permit_number": f"DEMO-IVO-{1000 + variant}",
                "permit_decided_on": date(2024, 1 + variant % 12, 1 + variant % 27),
                "permit_status": PermitStatus.APPLIED if variant % 11 == 5 else PermitStatus.GRANTED,
                "security_level": list(SecurityLevel)[variant % 3],
                "staffed_hours": list(StaffedHours)[variant % 3],
                "places_adults": places_adults,
                "places_children": places_children,
                "wheelchair_accessible": variant % 4 == 0,
                "limited_mobility": variant % 2 == 0,
                "pets_allowed": variant % 5 == 1,
                "allergy_rooms": variant % 5 != 1,
                "max_children": None if variant % 3 else 4,
                "son_age_limit": (None, 12, 15, 16)[variant % 4],
                "accepts_substance_use": variant % 6 == 2,
                "mental_health_support": variant % 2 == 1,
                "languages": LANGUAGE_SETS[variant % len(LANGUAGE_SETS)],
                "self_catering": variant % 4 != 3,
                "enquiry_phone": "",
                "free_adults": 1 + variant % places_adults if free else 0,
                "free_children": (variant * 3) % (places_children + 1) if free else 0,
                "vacancies_confirmed_at": now,
            }
            HousingUnit.objects.update_or_create(jour=jour, name=UNIT_NAMES[number], defaults=defaults)
            count += 1
    return count


@transaction.atomic
def demo_housing_remove() -> None:
    """Before the demo jourer go: their stays, counts and requests too (a removed member's
    housing history is otherwise kept as a former member's, and a stay still going or a
    request waiting for an answer would stop the removal)."""
    demo_items = RequestItem.objects.filter(jour__is_demo=True)
    requests = set(demo_items.values_list("request_id", flat=True))
    demo_items.delete()
    PlacementRequest.objects.filter(pk__in=requests, items__isnull=True).delete()
    Stay.objects.filter(jour__is_demo=True).delete()  # its placements go with it
    TurnedAway.objects.filter(jour__is_demo=True).delete()
