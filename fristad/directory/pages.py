"""The information pages of the public site: slug, template and heading."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class InfoPage:
    slug: str
    heading: str | Promise
    # Pages translated into every offered language, Arabic included.
    all_languages: bool = False


INFO_PAGES = [
    InfoPage("vad-ar-en-kvinnojour", _("What is a women's shelter?")),
    InfoPage("skyddat-boende", _("Protected housing")),
    InfoPage("polisanmalan", _("Reporting to the police")),
    InfoPage("vardnadstvist", _("Custody disputes")),
    InfoPage("sexuella-overgrepp", _("Sexual abuse")),
    InfoPage("orolig-for-nagon", _("Worried about someone else")),
    InfoPage("din-sakerhet", _("Your safety online"), all_languages=True),
]
INFO_PAGES_BY_SLUG = {page.slug: page for page in INFO_PAGES}
