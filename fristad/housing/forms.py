"""Housing forms: parsing and first validation (the services have the last word)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.forms import formset_factory
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fristad.directory.models import Language
from fristad.geo.models import County, Municipality
from fristad.geo.selectors import municipality_search
from fristad.housing.matching import BAND_LABELS, Child, DistanceBand, Needs
from fristad.housing.models import (
    ChildSex,
    DeclineReason,
    PermitStatus,
    SecurityLevel,
    StaffedHours,
    TurnedAwayReason,
)
from fristad.housing.services import MAX_ADULTS, MAX_CHILDREN, UnitData

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FORMATS = ["%Y-%m-%d"]
DATE_INVALID = _("Write the date as YYYY-MM-DD, for example 2026-03-31.")
LANGUAGE_CHOICES = [(code, label) for code, label in Language.choices]


def _date(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_INPUT,
        input_formats=DATE_FORMATS,
        error_messages={"invalid": DATE_INVALID, "required": _("Give a date.")},
    )


def _between_now(low: int, high: int) -> str:
    return gettext("Give a whole number between %(low)d and %(high)d.") % {"low": low, "high": high}


# Translated when shown, in her language (not once, when the module is imported).
_between = lazy(_between_now, str)


def _count(
    label: Any, low: int, high: int, *, required: bool = True, initial: int | None = None
) -> forms.IntegerField:
    message = _between(low, high)
    return forms.IntegerField(
        label=label,
        required=required,
        initial=initial,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )


class UnitForm(forms.Form):
    name = forms.CharField(label=_("Internal name"), max_length=80)
    address = forms.CharField(
        label=_("Street address (encrypted; only staff with housing rights see it)"),
        max_length=300,
        required=False,
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality the unit is in"),
        queryset=Municipality.objects.order_by("name"),
        error_messages={
            "required": _("Choose the municipality."),
            "invalid_choice": _("Choose the municipality."),
        },
    )
    is_active = forms.BooleanField(label=_("Takes placements"), required=False, initial=True)
    permit_status = forms.ChoiceField(label=_("IVO permit status"), choices=PermitStatus.choices)
    permit_number = forms.CharField(label=_("IVO permit number"), max_length=40, required=False)
    permit_decided_on = _date(_("IVO decision date"), required=False)
    security_level = forms.ChoiceField(label=_("Security level"), choices=SecurityLevel.choices)
    staffed_hours = forms.ChoiceField(label=_("Staffed hours"), choices=StaffedHours.choices)
    places_adults = _count(_("Places for adults"), 1, 60)
    places_children = _count(_("Places for children"), 0, 60)
    max_children = _count(_("Maximum number of children (empty: no limit)"), 0, 60, required=False)
    son_age_limit = _count(_("Oldest age for sons (empty: no limit)"), 0, 17, required=False)
    wheelchair_accessible = forms.BooleanField(label=_("Wheelchair accessible"), required=False)
    limited_mobility = forms.BooleanField(label=_("Adapted for limited mobility"), required=False)
    pets_allowed = forms.BooleanField(label=_("Pets allowed"), required=False)
    allergy_rooms = forms.BooleanField(label=_("Animal-free rooms for allergy"), required=False)
    accepts_substance_use = forms.BooleanField(label=_("Accepts substance use"), required=False)
    mental_health_support = forms.BooleanField(label=_("Support for mental ill-health"), required=False)
    self_catering = forms.BooleanField(label=_("Self-catering"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken by staff"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    enquiry_phone = forms.CharField(
        label=_("Phone for placement enquiries (empty: the jour's office phone)"),
        max_length=20,
        required=False,
    )

    FEATURES = (
        "wheelchair_accessible",
        "limited_mobility",
        "pets_allowed",
        "allergy_rooms",
        "accepts_substance_use",
        "mental_health_support",
        "self_catering",
    )

    def data_for_service(self) -> UnitData:
        d = self.cleaned_data
        return UnitData(
            name=d["name"],
            address=d["address"],
            municipality=d["municipality"],
            is_active=d["is_active"],
            permit_number=d["permit_number"],
            permit_decided_on=d["permit_decided_on"],
            permit_status=d["permit_status"],
            security_level=d["security_level"],
            staffed_hours=d["staffed_hours"],
            places_adults=d["places_adults"],
            places_children=d["places_children"],
            wheelchair_accessible=d["wheelchair_accessible"],
            limited_mobility=d["limited_mobility"],
            pets_allowed=d["pets_allowed"],
            allergy_rooms=d["allergy_rooms"],
            max_children=d["max_children"],
            son_age_limit=d["son_age_limit"],
            accepts_substance_use=d["accepts_substance_use"],
            mental_health_support=d["mental_health_support"],
            languages=list(d["languages"]),
            self_catering=d["self_catering"],
            enquiry_phone=d["enquiry_phone"],
        )


class VacancyForm(forms.Form):
    free_adults = _count(_("Free places for adults"), 0, 60)
    free_children = _count(_("Free places for children"), 0, 60)


# --- Needs: adults, children, features, area ----------------------------------------


class ChildForm(forms.Form):
    age = forms.IntegerField(
        label=_("Age"),
        required=False,
        min_value=0,
        max_value=17,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": _("The age must be a whole number between 0 and 17."),
            "min_value": _("The age must be a whole number between 0 and 17."),
            "max_value": _(
                "The age must be a whole number between 0 and 17 (someone 18 or older counts as an adult)."
            ),
        },
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", "–"), *ChildSex.choices],
        error_messages={"invalid_choice": _("Choose girl or boy.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        age, sex = data.get("age"), data.get("sex")
        if sex and age is None and "age" not in self.errors:
            self.add_error("age", _("Give the child's age."))
        if age is not None and not sex:
            self.add_error("sex", _("Choose girl or boy."))
        return data

    def child(self) -> Child | None:
        if self.cleaned_data.get("age") is None or not self.cleaned_data.get("sex"):
            return None
        return Child(self.cleaned_data["age"], self.cleaned_data["sex"])


if TYPE_CHECKING:
    _BaseChildFormSet = forms.BaseFormSet[ChildForm]
else:
    _BaseChildFormSet = forms.BaseFormSet


class _ChildFormSet(_BaseChildFormSet):
    def children(self) -> list[Child]:
        return [c for c in (f.child() for f in self.forms if f.cleaned_data) if c is not None]


def child_formset(data: Any = None, *, rows: int = 4) -> _ChildFormSet:
    cls = formset_factory(
        ChildForm,
        formset=_ChildFormSet,
        extra=rows,
        max_num=MAX_CHILDREN,
        validate_max=True,
        absolute_max=MAX_CHILDREN * 20,
    )
    formset = cls(
        data,
        prefix="barn",
        error_messages={
            "too_many_forms": gettext(
                "At most %(num)d children in one request. For a larger family, phone the jour."
            ),
            "missing_management_form": gettext(
                "The list of children is incomplete. Reload the page and try again."
            ),
        },
    )
    return cast(_ChildFormSet, formset)


class NeedsForm(forms.Form):
    adults = _count(_("Adults"), 1, MAX_ADULTS, initial=1)
    wheelchair = forms.BooleanField(label=_("Wheelchair"), required=False)
    limited_mobility = forms.BooleanField(label=_("Limited mobility"), required=False)
    pets = forms.BooleanField(label=_("Brings a pet"), required=False)
    allergy = forms.BooleanField(label=_("Allergy: needs an animal-free room"), required=False)
    substance_use = forms.BooleanField(label=_("Substance use"), required=False)
    mental_health = forms.BooleanField(label=_("Mental ill-health"), required=False)
    language = forms.ChoiceField(
        label=_("Language she needs (other than Swedish)"),
        required=False,
        choices=[("", _("Swedish is fine")), *[c for c in LANGUAGE_CHOICES if c[0] != "sv"]],
    )
    security_level = forms.ChoiceField(
        label=_("Lowest security level"),
        required=False,
        choices=[("", _("Any")), *SecurityLevel.choices],
    )
    earliest = _date(_("Earliest date"))
    band = forms.ChoiceField(
        label=_("Preferred distance from your municipality"),
        choices=[(band.value, BAND_LABELS[band]) for band in DistanceBand],
        initial=DistanceBand.ANY.value,
        widget=forms.RadioSelect,
        required=False,
    )
    exclude_municipalities = forms.CharField(
        label=_("Municipalities to exclude (names, separated by commas)"),
        required=False,
        max_length=600,
    )
    exclude_counties = forms.MultipleChoiceField(
        label=_("Counties to exclude"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )

    FEATURES = ("wheelchair", "limited_mobility", "pets", "allergy", "substance_use", "mental_health")

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        cast(forms.ChoiceField, self.fields["exclude_counties"]).choices = [
            (c.code, c.name) for c in County.objects.order_by("name")
        ]
        self.fields["earliest"].initial = today

    def clean_earliest(self) -> date:
        value: date = self.cleaned_data["earliest"]
        if value < self.today:
            raise forms.ValidationError(_("The earliest date cannot be in the past."))
        return value

    def clean_exclude_municipalities(self) -> list[str]:
        raw: str = self.cleaned_data.get("exclude_municipalities") or ""
        codes: list[str] = []
        unknown: list[str] = []
        for name in (part.strip() for part in raw.split(",")):
            if not name:
                continue
            # The exact name first: "Håbo" and "Habo" fold alike but are two municipalities.
            exact = Municipality.objects.filter(name__iexact=name).first()
            found = exact or municipality_search(name).municipality
            if found is None:
                unknown.append(name)
            else:
                codes.append(found.code)
        if unknown:
            raise forms.ValidationError(
                _("No municipality found for: %(names)s. Check the spelling.") % {"names": ", ".join(unknown)}
            )
        return codes

    def needs(self, children: list[Child]) -> Needs:
        d = self.cleaned_data
        return Needs(
            adults=d["adults"],
            children=tuple(children),
            wheelchair=d["wheelchair"],
            limited_mobility=d["limited_mobility"],
            pets=d["pets"],
            allergy=d["allergy"],
            language=d["language"],
            substance_use=d["substance_use"],
            mental_health=d["mental_health"],
            security_level=d["security_level"],
            band=DistanceBand(d["band"] or DistanceBand.ANY.value),
        )


class RequestForm(forms.Form):
    case_reference = forms.CharField(
        label=_("The municipality's case reference (never a name or a personal identity number)"),
        max_length=40,
        error_messages={"required": _("Give the municipality's case reference.")},
    )
    desired_start = _date(_("Desired start"))
    unit = forms.TypedMultipleChoiceField(
        label=_("Send to"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
        error_messages={
            "required": _("Choose at least one unit."),
            "invalid_choice": _("Choose from the units found."),
        },
    )

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = units


class AcceptForm(forms.Form):
    start = _date(_("Start date"))
    daily_rate_woman = forms.DecimalField(
        label=_("Daily rate for the woman (kronor)"),
        required=False,
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
    )
    daily_rate_child = forms.DecimalField(
        label=_("Daily rate per child (kronor)"),
        required=False,
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason."), "invalid_choice": _("Choose a reason.")},
    )


class OwnStayForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, choices=[])
    adults = _count(_("Women"), 1, MAX_ADULTS, initial=1)
    start = _date(_("Start date"))
    case_reference = forms.CharField(label=_("Your own reference (optional)"), max_length=40, required=False)

    def __init__(self, *args: Any, units: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = units


class EndForm(forms.Form):
    end = _date(_("Last day: the day they moved out"))


class TurnedAwayForm(forms.Form):
    day = _date(_("Date of the enquiry"))
    reason = forms.ChoiceField(label=_("Reason"), choices=TurnedAwayReason.choices, widget=forms.RadioSelect)
    women = _count(_("Women"), 1, MAX_ADULTS, initial=1)
    children = _count(_("Children"), 0, MAX_CHILDREN * 2, initial=0)
