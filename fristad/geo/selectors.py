"""Reads of the reference geography: postal codes, municipality names, distances."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from fristad.geo.models import Municipality, PostalCode

_POSTAL_CODE = re.compile(r"^\s*(?:SE-?\s*)?([1-9]\d{2})[\s\-\u00a0]?(\d{2})\s*$", re.IGNORECASE)


def postal_code_normalize(raw: str) -> str | None:
    """``"115 20"``, ``"11520"``, ``"115-20"`` or ``"SE-115 20"`` become ``"11520"``; anything else None."""
    match = _POSTAL_CODE.match(raw)
    if not match:
        return None
    return match.group(1) + match.group(2)


def looks_like_postal_code(raw: str) -> bool:
    """True when she typed mostly digits, so a failed parse deserves a postal-code message."""
    digits = sum(ch.isdigit() for ch in raw)
    return digits >= 3 and digits >= len(raw.strip()) // 2


def postal_code_get(code: str) -> PostalCode | None:
    return PostalCode.objects.select_related("municipality__county").filter(code=code).first()


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Malmö' and 'malmo' fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()


_KOMMUN_SUFFIX = re.compile(r"\s+kommun$")


@dataclass(frozen=True)
class MunicipalityMatch:
    """The outcome of a name search: one municipality, several candidates, or none."""

    municipality: Municipality | None
    candidates: list[Municipality]


def municipality_search(raw: str) -> MunicipalityMatch:
    """Exact name first (ignoring case, accents and a trailing 'kommun'), then a unique prefix."""
    folded = " ".join(fold(raw).split())
    wanted = _KOMMUN_SUFFIX.sub("", folded)
    if not wanted:
        return MunicipalityMatch(None, [])
    # "Stockholms kommun" names Stockholm: drop the genitive s the suffix brings.
    exact_forms = {wanted, wanted[:-1]} if wanted != folded and wanted.endswith("s") else {wanted}
    everything = list(Municipality.objects.select_related("county").all())
    exact = [m for m in everything if fold(m.name) in exact_forms]
    if len(exact) == 1:
        return MunicipalityMatch(exact[0], [])
    by_prefix = [m for m in everything if fold(m.name).startswith(wanted)]
    if len(by_prefix) == 1:
        return MunicipalityMatch(by_prefix[0], [])
    if by_prefix:
        return MunicipalityMatch(None, by_prefix[:12])
    containing = [m for m in everything if wanted in fold(m.name) or wanted in fold(m.seat_locality)]
    if len(containing) == 1:
        return MunicipalityMatch(containing[0], [])
    return MunicipalityMatch(None, containing[:12])


def municipality_get(code: str) -> Municipality | None:
    return Municipality.objects.select_related("county").filter(code=code).first()


def municipality_names() -> list[str]:
    return list(Municipality.objects.order_by("name").values_list("name", flat=True))


EARTH_RADIUS_KM = 6371.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
