"""The anonymous contact record: one row per contact (chat, call, sms, e-mail, visit).

Nothing in a row points at a person, a chat, a user or a moment finer than a day:
a random UUID for its key (row order says nothing about when it was written), a date
and no time, no free text, no "recorded by". Each option of a multi-choice question is a
boolean column of its own, so national statistics are plain SQL (``Count`` with
``filter=Q(violence_physical=True)``, or ``Sum``) on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from fristad.directory.models import Jour


class Channel(models.TextChoices):
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message (sms)")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visit")


class Who(models.TextChoices):
    WOMAN = "woman", _("A woman")
    GIRL = "girl", _("A girl (under 18)")
    RELATIVE = "relative", _("A relative or friend")
    PROFESSIONAL = "professional", _("A professional")
    OTHER = "other", _("Someone else, or unknown")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("Under 18")
    AGE_18_25 = "18_25", _("18–25")
    AGE_26_35 = "26_35", _("26–35")
    AGE_36_45 = "36_45", _("36–45")
    AGE_46_55 = "46_55", _("46–55")
    AGE_56_65 = "56_65", _("56–65")
    AGE_66_PLUS = "66_plus", _("66 or older")
    UNKNOWN = "unknown", _("Unknown")


class Violence(models.TextChoices):
    PHYSICAL = "physical", _("Physical violence")
    PSYCHOLOGICAL = "psychological", _("Psychological violence")
    SEXUAL = "sexual", _("Sexual violence")
    ECONOMIC = "economic", _("Economic violence")
    DIGITAL = "digital", _("Digital violence")
    THREATS = "threats", _("Threats")
    HONOUR = "honour", _("Honour-related violence")
    NEGLECT = "neglect", _("Neglect")
    MATERIAL = "material", _("Material violence (damage to property)")
    CHILDREN_EXPOSED = "children_exposed", _("Children who witnessed or were exposed to violence")
    OTHER = "other", _("Other violence")


class Topic(models.TextChoices):
    POLICE_REPORT = "police_report", _("Reporting to the police")
    CUSTODY = "custody", _("Custody dispute")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    PROTECTED_HOUSING = "protected_housing", _("Protected housing")
    ECONOMY = "economy", _("Money and economy")
    CHILDREN = "children", _("Children")
    HOUSING = "housing", _("Housing")
    MIGRATION = "migration", _("Migration or residence permit")
    HEALTH = "health", _("Health")
    LEGAL_PROCESS = "legal_process", _("Legal process")
    SEPARATION = "separation", _("Separation")
    OTHER = "other", _("Other topic")


class Support(models.TextChoices):
    LISTENING = "listening", _("Conversation and listening")
    INFORMATION = "information", _("Information and advice")
    SUPPORT_PERSON = "support_person", _("Stödperson arranged")
    PROTECTED_HOUSING = "protected_housing", _("Protected housing arranged")
    PRACTICAL = "practical", _("Practical help")
    OTHER = "other", _("Other support")


class Referral(models.TextChoices):
    POLICE = "police", _("The police")
    SOCIAL_SERVICES = "social_services", _("Social services")
    HEALTH_CARE = "health_care", _("Health care")
    LAWYER = "lawyer", _("A lawyer")
    KVINNOFRIDSLINJEN = "kvinnofridslinjen", _("Kvinnofridslinjen")
    OTHER_JOUR = "other_jour", _("Another jour")
    OTHER = "other", _("Somewhere else")
    NONE = "none", _("Not referred")


# The multi-choice questions: each option ``value`` of group ``name`` is the boolean
# column ``f"{name}_{value}"`` (``violence_physical``, ``referred_to_police``).
MULTI_CHOICE: dict[str, type[models.TextChoices]] = {
    "violence": Violence,
    "topics": Topic,
    "support": Support,
    "referred_to": Referral,
}


class ContactRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # SET_NULL: the national totals survive a jour's removal.
    jour = models.ForeignKey(Jour, null=True, on_delete=models.SET_NULL, related_name="contact_records")
    date = models.DateField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    who = models.CharField(max_length=12, choices=Who.choices)
    age = models.CharField(max_length=8, choices=AgeBand.choices)

    violence_physical = models.BooleanField(default=False)
    violence_psychological = models.BooleanField(default=False)
    violence_sexual = models.BooleanField(default=False)
    violence_economic = models.BooleanField(default=False)
    violence_digital = models.BooleanField(default=False)
    violence_threats = models.BooleanField(default=False)
    violence_honour = models.BooleanField(default=False)
    violence_neglect = models.BooleanField(default=False)
    violence_material = models.BooleanField(default=False)
    violence_children_exposed = models.BooleanField(default=False)
    violence_other = models.BooleanField(default=False)

    topics_police_report = models.BooleanField(default=False)
    topics_custody = models.BooleanField(default=False)
    topics_sexual_abuse = models.BooleanField(default=False)
    topics_protected_housing = models.BooleanField(default=False)
    topics_economy = models.BooleanField(default=False)
    topics_children = models.BooleanField(default=False)
    topics_housing = models.BooleanField(default=False)
    topics_migration = models.BooleanField(default=False)
    topics_health = models.BooleanField(default=False)
    topics_legal_process = models.BooleanField(default=False)
    topics_separation = models.BooleanField(default=False)
    topics_other = models.BooleanField(default=False)

    support_listening = models.BooleanField(default=False)
    support_information = models.BooleanField(default=False)
    support_support_person = models.BooleanField(default=False)
    support_protected_housing = models.BooleanField(default=False)
    support_practical = models.BooleanField(default=False)
    support_other = models.BooleanField(default=False)

    referred_to_police = models.BooleanField(default=False)
    referred_to_social_services = models.BooleanField(default=False)
    referred_to_health_care = models.BooleanField(default=False)
    referred_to_lawyer = models.BooleanField(default=False)
    referred_to_kvinnofridslinjen = models.BooleanField(default=False)
    referred_to_other_jour = models.BooleanField(default=False)
    referred_to_other = models.BooleanField(default=False)
    referred_to_none = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["jour", "date"], name="contact_record_jour_date")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="contact_channel_known"
            ),
            models.CheckConstraint(condition=models.Q(who__in=Who.values), name="contact_who_known"),
            models.CheckConstraint(condition=models.Q(age__in=AgeBand.values), name="contact_age_known"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.channel}"
