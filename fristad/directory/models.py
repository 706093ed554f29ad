"""A jour as the public sees it. Its finest public location is its municipality:
no street address of anything is stored here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fristad.geo.models import Municipality


class JourKind(models.TextChoices):
    KVINNOJOUR = "kvinnojour", _("Women's shelter (kvinnojour)")
    TJEJJOUR = "tjejjour", _("Girls' shelter (tjejjour)")
    BOTH = "both", _("Women's and girls' shelter")


class Service(models.TextChoices):
    SAMTALSSTOD = "samtalsstod", _("Someone to talk to")
    STODPERSON_POLICE = "stodperson_police", _("Support person at the police")
    STODPERSON_LAWYER = "stodperson_lawyer", _("Support person at a lawyer")
    STODPERSON_SOCIAL = "stodperson_social", _("Support person at social services")
    STODPERSON_COURT = "stodperson_court", _("Support person in court")
    POLISANMALAN = "polisanmalan", _("Advice on reporting to the police")
    VARDNADSTVIST = "vardnadstvist", _("Advice on custody disputes")
    SEXUAL_ABUSE = "sexual_abuse", _("Support after sexual abuse")
    RELATIVES = "relatives", _("Support for relatives and friends")
    SKYDDAT_BOENDE = "skyddat_boende", _("Protected housing (skyddat boende)")
    LEGAL_ADVICE = "legal_advice", _("Legal advice")


class Language(models.TextChoices):
    """Languages a jour can speak with her, by ISO 639-1 code."""

    SV = "sv", _("Swedish")
    EN = "en", _("English")
    AR = "ar", _("Arabic")
    FA = "fa", _("Persian")
    SO = "so", _("Somali")
    TI = "ti", _("Tigrinya")
    KU = "ku", _("Kurdish")
    BS = "bs", _("Bosnian/Croatian/Serbian")
    PL = "pl", _("Polish")
    RU = "ru", _("Russian")
    UK = "uk", _("Ukrainian")
    ES = "es", _("Spanish")
    TR = "tr", _("Turkish")
    FI = "fi", _("Finnish")
    SE = "se", _("Northern Sami")
    SGN = "sgn", _("Swedish Sign Language")


class Jour(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=12, choices=JourKind.choices, default=JourKind.KVINNOJOUR)
    home_municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="home_jourer")
    served_municipalities = models.ManyToManyField(Municipality, related_name="serving_jourer", blank=True)
    chats = models.BooleanField(default=False)
    accessibility_notes = models.TextField(blank=True, max_length=1000)
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    member_since = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # Demo jourer are fictional; the public pages say so.
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class JourService(models.Model):
    jour = models.ForeignKey(Jour, on_delete=models.CASCADE, related_name="services")
    service = models.CharField(max_length=24, choices=Service.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jour", "service"], name="unique_jour_service")]


class JourLanguage(models.Model):
    jour = models.ForeignKey(Jour, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(max_length=3, choices=Language.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jour", "language"], name="unique_jour_language")]


class PhoneKind(models.TextChoices):
    JOURTELEFON = "jourtelefon", _("Hotline")
    OFFICE = "office", _("Office")
    SMS = "sms", _("Text messages")
    OTHER = "other", _("Other")


class Phone(models.Model):
    jour = models.ForeignKey(Jour, on_delete=models.CASCADE, related_name="phones")
    kind = models.CharField(max_length=12, choices=PhoneKind.choices, default=PhoneKind.JOURTELEFON)
    number = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.number


class OpeningHours(models.Model):
    """A weekly slot, in Stockholm wall-clock time. ``closes <= opens`` runs past
    midnight into the next day; ``opens == closes`` is the whole day."""

    phone = models.ForeignKey(Phone, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField()  # Monday 0 .. Sunday 6
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["weekday", "opens"]
        constraints = [models.CheckConstraint(condition=models.Q(weekday__lte=6), name="weekday_0_to_6")]


class OpeningException(models.Model):
    """A dated exception (a holiday): closed all day, or other hours that replace the week's."""

    phone = models.ForeignKey(Phone, on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField()
    closed = models.BooleanField(default=True)
    opens = models.TimeField(null=True, blank=True)
    closes = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["date", "opens"]


class DirectoryRevision(models.Model):
    """One row whose token every directory write renews (in the same transaction).

    Server processes keep a snapshot of the public directory and rebuild it when
    the token changes, so a change shows on the public site at once, in every
    process, without rebuilding the directory on every request. A random token,
    not a counter: a rolled-back write can never collide with a later one.
    """

    token = models.CharField(max_length=32)
