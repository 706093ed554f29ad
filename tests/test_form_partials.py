"""One field template for every form (issue 14): Django's form rendering API with the project's
renderer (``fristad.web.forms.FormRenderer``), and the label, help and error wiring it gives."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.test import Client
from django.urls import reverse
from django.utils import translation

from fristad.web.forms import FormRenderer
from tests.conftest import Staff

PACKAGE = Path(settings.PACKAGE_DIR)
FIELD_TEMPLATE = PACKAGE / "web" / "templates" / "web" / "forms" / "field.html"


def _templates() -> list[Path]:
    return sorted(PACKAGE.rglob("templates/**/*.html"))


def test_there_is_one_field_partial_in_the_tree() -> None:
    renderer = get_default_renderer()
    assert isinstance(renderer, FormRenderer)
    assert renderer.field_template_name == "web/forms/field.html"
    assert FIELD_TEMPLATE.is_file()
    # No app keeps a copy of its own, under any of the names the copies had...
    copies = [p for p in _templates() if re.fullmatch(r"_(field|choices|check|date)\.html", p.name)]
    assert copies == []
    # ...nor renders a field's label or a group of choices by hand: only the one template does.
    by_hand = re.compile(r'<label for="\{\{ (field|box)\.id_for_label \}\}">|\{% for box in ')
    assert [p for p in _templates() if by_hand.search(p.read_text())] == [FIELD_TEMPLATE]
    includes = re.compile(r'\{% include "[^"]*_(field|choices|check)\.html"')
    assert [p for p in _templates() if includes.search(p.read_text())] == []


class _Elements(HTMLParser):
    """Every element's attributes, and the tags by id."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def _parse(body: str) -> _Elements:
    parser = _Elements()
    parser.feed(body)
    return parser


def _by_id(page: _Elements) -> dict[str, tuple[str, dict[str, str]]]:
    return {attrs["id"]: (tag, attrs) for tag, attrs in page.elements if "id" in attrs}


def _labels_for(page: _Elements) -> set[str]:
    return {attrs["for"] for tag, attrs in page.elements if tag == "label" and "for" in attrs}


def _assert_wired(page: _Elements) -> None:
    """Every aria-describedby names elements that exist; every input has its label."""
    ids = _by_id(page)
    for tag, attrs in page.elements:
        for target in attrs.get("aria-describedby", "").split():
            assert target in ids, (tag, attrs)
        if tag in {"input", "select", "textarea"} and attrs.get("type") not in {"hidden", "submit"}:
            assert attrs.get("id") in _labels_for(page), attrs


def _en(name: str, **kwargs: Any) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs)


@pytest.mark.django_db
def test_a_support_field_ties_its_help_and_error_to_the_input(staff: Staff) -> None:
    client = Client()
    client.force_login(staff.kvinna_a)
    response = client.post(_en("support:case_open", jour_id=staff.jour_a.pk), {"alias": "", "phone": ""})
    assert response.status_code == 200
    page = _parse(response.content.decode())
    _assert_wired(page)
    ids = _by_id(page)
    tag, alias = ids["id_alias"]
    assert tag == "input" and alias["aria-invalid"] == "true"
    assert alias["aria-describedby"].split() == ["id_alias_helptext", "id_alias_error"]
    assert ids["id_alias_helptext"][0] == "p" and ids["id_alias_error"] == (
        "ul",
        {"class": "errorlist", "id": "id_alias_error"},
    )
    # The field without an error is described by its help only, and not marked invalid.
    assert ids["id_phone"][1]["aria-describedby"] == "id_phone_helptext"
    assert "aria-invalid" not in ids["id_phone"][1]
    assert {"id_alias", "id_phone"} <= _labels_for(page)


@pytest.mark.django_db
def test_a_group_of_choices_is_a_fieldset_described_by_its_errors(staff: Staff) -> None:
    client = Client()
    client.force_login(staff.kvinna_a)
    response = client.post(
        _en("stats:contact_record_new", jour_id=staff.jour_a.pk), {"date": "", "action": "save"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    page = _parse(body)
    _assert_wired(page)
    ids = _by_id(page)
    # The date: a label, its error list, the input pointing to it.
    assert ids["id_date"][1]["aria-invalid"] == "true"
    assert ids["id_date"][1]["aria-describedby"] == "id_date_error"
    assert ids["id_date_error"][0] == "ul"
    # The channel (radios): a fieldset with a legend, described by the error list inside it.
    fieldset = re.search(r'<fieldset aria-describedby="id_channel_error"><legend>[^<]+</legend>', body)
    assert fieldset is not None
    assert ids["id_channel_error"][0] == "ul"
    assert ids["id_channel_0"][1]["type"] == "radio" and "aria-describedby" not in ids["id_channel_0"][1]
    # A group of check boxes without an error has no aria-describedby at all.
    assert "<fieldset><legend>" in body


@pytest.mark.django_db
def test_help_text_on_the_staff_side_is_named_by_its_input(staff: Staff) -> None:
    """The phone rows' help was a paragraph without an id that Django's aria-describedby missed."""
    client = Client()
    client.force_login(staff.admin_a)
    response = client.get(_en("accounts:jour_profile", jour_id=staff.jour_a.pk))
    assert response.status_code == 200
    body = response.content.decode()
    page = _parse(body)
    _assert_wired(page)
    ids = _by_id(page)
    assert ids["id_phones-0-hours"][1]["aria-describedby"] == "id_phones-0-hours_helptext"
    assert ids["id_phones-0-hours_helptext"][0] == "p"
    assert ids["id_phones-0-DELETE"][1]["type"] == "checkbox"
    assert 'for="id_phones-0-DELETE">Remove this phone</label>' in body
