"""axe-core (WCAG 2.1 A and AA) on the stödperson pages, signed in as a jourkvinna, at
desktop width and at 320 px, with data and with form errors shown."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from fristad.accounts.models import Membership, Role
from fristad.accounts.selectors import pledge_current
from fristad.accounts.services import pledge_publish
from fristad.directory.hours import STOCKHOLM
from fristad.directory.models import Jour
from fristad.support import services
from fristad.support.models import SupportCase
from tests.browser.test_accessibility import AXE_RUN, describe
from tests.browser.test_staff_accessibility import WIDE, signed_in_context
from tests.conftest import make_staff_user

pytestmark = pytest.mark.browser


@pytest.fixture
def world(site: str) -> dict[str, Any]:
    if pledge_current() is None:  # a transactional test's flush removed the migration's version
        pledge_publish(text_sv="Jag lovar att tiga.", text_en="I promise to keep silent.")
    jour = Jour.objects.get(slug="stockholm")
    kvinna, _ = make_staff_user("jourkvinna@staff.test")
    Membership.objects.create(user=kvinna, role=Role.JOURKVINNA, jour=jour)
    colleague, _ = make_staff_user("kollega@staff.test")
    Membership.objects.create(user=colleague, role=Role.JOUR_ADMIN, jour=jour)
    case = services.support_case_open(actor=kvinna, jour=jour, alias="Liv", phone="070-174 06 95")
    day = timezone.now().astimezone(STOCKHOLM).date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 10, tzinfo=STOCKHOLM)
    appointment = services.appointment_create(
        actor=kvinna,
        case=case,
        kind="lawyer",
        start=start,
        end=start + timedelta(hours=1),
        place="Advokatbyrån",
        people=[kvinna, colleague],
    )
    closed = services.support_case_open(actor=kvinna, jour=jour, alias="Nora")
    services.support_case_close(actor=kvinna, case=closed, now=timezone.now())
    return {"kvinna": kvinna, "jour": jour, "case": case, "appointment": appointment, "day": day}


def check(page: Any, url: str, *, width: int) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    assert "/konto/login/" not in page.url, f"{url} sent us to sign in"
    audit(page, url, width=width)


def audit(page: Any, label: str, *, width: int) -> None:
    result = page.evaluate(AXE_RUN)
    assert not result["violations"], f"{label}\n{describe(result['violations'])}"
    if width == 320:
        wide = page.evaluate(WIDE)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, (label, wide)


@pytest.mark.parametrize("width", [1024, 320])
def test_support_pages(
    site: str, new_context: Any, axe_source: str, world: dict[str, Any], width: int
) -> None:
    page = signed_in_context(new_context, axe_source, site, world["kvinna"], width).new_page()
    jour_id, case_id = world["jour"].pk, world["case"].pk
    base = f"/personal/jour/{jour_id}/stod/"
    for path in (
        base,
        f"{base}nytt/",
        f"{base}mina/",
        f"{base}{case_id}/",
        f"{base}{case_id}/andra/",
        f"{base}{case_id}/besok/ny/",
        f"{base}{case_id}/besok/{world['appointment'].pk}/",
        f"/personal/jour/{jour_id}/schema/?vecka={world['day'].isoformat()}",
        f"/en{base}{case_id}/",
        "/personal/",
    ):
        check(page, f"{site}{path}", width=width)


def test_a_case_is_opened_through_the_browser(
    site: str, new_context: Any, axe_source: str, world: dict[str, Any]
) -> None:
    page = signed_in_context(new_context, axe_source, site, world["kvinna"]).new_page()
    page.goto(f"{site}/personal/jour/{world['jour'].pk}/stod/nytt/")
    page.fill("#id_alias", "Ebba")
    page.fill("#id_phone", "070-174 06 96")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.click("form.search button[type=submit]")
    assert posted.value.status == 302
    case = SupportCase.objects.get(alias="Ebba")
    assert case.phone == "0701740696"
    assert f"/stod/{case.pk}/besok/ny/" in page.url


@pytest.mark.parametrize("width", [1024, 320])
def test_forms_with_errors(
    site: str, new_context: Any, axe_source: str, world: dict[str, Any], width: int
) -> None:
    page = signed_in_context(new_context, axe_source, site, world["kvinna"], width).new_page()
    base = f"{site}/personal/jour/{world['jour'].pk}/stod/"

    page.goto(f"{base}nytt/")
    page.fill("#id_alias", "Anna 1985")
    page.fill("#id_phone", "ring mig")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert page.get_attribute("#id_alias", "aria-invalid") == "true"
    audit(page, "case form with errors", width=width)

    page.goto(f"{base}{world['case'].pk}/besok/ny/")
    page.uncheck(f"input[name=people][value='{world['kvinna'].pk}']")
    page.fill("#id_starts", "")
    page.click("form.search button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert page.get_attribute("#id_starts", "aria-invalid") == "true"
    audit(page, "appointment form with errors", width=width)
