"""``fristad bootstrap-national EMAIL``: the first national-office account, from the terminal.

Prints a single-use invite link (the ordinary invite: she chooses her password, sets up
her second factor and signs the tystnadslöfte) and e-mails it to her through the worker.
Refused when a national account exists already, unless ``--force``. Audited.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from fristad.accounts.services import NationalAccountExists, invite_link, national_bootstrap


class Command(BaseCommand):
    help = "Invite the first national-office account (prints a single-use link)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--site-url", default=settings.SITE_URL, help="the site's address (default: SITE_URL)"
        )
        parser.add_argument(
            "--force", action="store_true", help="invite even though a national account exists"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"Not an e-mail address: {email!r}") from None
        site_url = (options["site_url"] or "").strip()
        if not site_url.startswith(("https://", "http://")):
            raise CommandError("The link needs the site's address: set SITE_URL (or --site-url https://…).")
        try:
            issued = national_bootstrap(email=email, base_url=site_url, force=options["force"])
        except NationalAccountExists as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Invite for {issued.invite.email} (national office). It works once and expires in "
            f"{settings.INVITE_VALID_HOURS} hours:\n\n"
            f"    {invite_link(base_url=site_url, token=issued.token)}\n\n"
            "It is also e-mailed to her by the worker (fristad worker)."
        )
