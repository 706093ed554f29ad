"""Shared fixtures: a small directory of jourer built through the import service,
the same path real data takes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fristad.directory.models import Jour
from fristad.directory.services import jourer_import

SAMPLE_JOURER: list[dict[str, Any]] = [
    {
        "name": "Kvinnojouren Norrsken (test)",
        "slug": "norrsken",
        "kind": "kvinnojour",
        "home_municipality": "2584",  # Kiruna
        "served_municipalities": ["2584", "2514"],
        "chats": False,
        "languages": ["sv", "se", "fi"],
        "services": ["samtalsstod", "stodperson_police"],
        "phones": [{"kind": "jourtelefon", "number": "070-1740605", "hours": "mon-fri 09:00-16:00"}],
    },
    {
        "name": "Kvinnojouren Stockholm (test)",
        "slug": "stockholm",
        "kind": "kvinnojour",
        "home_municipality": "0180",
        "served_municipalities": ["0180", "0184"],
        "chats": True,
        "languages": ["sv", "en", "ar"],
        "services": ["samtalsstod", "skyddat_boende", "polisanmalan"],
        "phones": [
            {
                "kind": "jourtelefon",
                "number": "070-1740606",
                "hours": "mon-sun 00:00-24:00",
            }
        ],
    },
    {
        "name": "Tjejjouren Söder (test)",
        "slug": "tjej-soder",
        "kind": "tjejjour",
        "home_municipality": "0126",  # Huddinge
        "served_municipalities": ["0126"],
        "chats": True,
        "languages": ["sv"],
        "services": ["samtalsstod"],
        "phones": [{"kind": "jourtelefon", "number": "070-1740607", "hours": "fri-sat 20:00-02:00"}],
    },
    {
        "name": "Kvinnojouren Malmö (test)",
        "slug": "malmo",
        "kind": "kvinnojour",
        "home_municipality": "1280",
        "served_municipalities": ["1280", "1233"],
        "chats": False,
        "languages": ["sv", "ar", "fa"],
        "services": ["samtalsstod", "skyddat_boende"],
        "phones": [{"kind": "jourtelefon", "number": "070-1740608", "hours": "mon-fri 10:00-22:00"}],
    },
]


@pytest.fixture
def sample_jourer(db: None) -> list[Jour]:
    result = jourer_import(text=json.dumps(SAMPLE_JOURER), fmt="json")
    assert result.ok, result.errors
    return list(Jour.objects.order_by("slug"))
