"""``fristad demo``: load (or with ``--remove`` delete) the fictional demo network,
and with DEMO_MODE on, demo staff whose credentials it prints."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fristad.accounts.demo import demo_staff_build
from fristad.directory.demo import demo_network_build
from fristad.directory.services import jourer_delete_demo
from fristad.housing.demo import demo_housing_build, demo_housing_remove
from fristad.stats.demo import demo_contacts_build, demo_contacts_remove
from fristad.support.demo import demo_support_build, demo_support_remove


class Command(BaseCommand):
    help = "Create or update the fictional demo network of jourer (--remove deletes it)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--remove", action="store_true", help="Delete every demo jour (is_demo) instead.")
        parser.add_argument(
            "--site-url",
            default="http://127.0.0.1:8000",
            help="Where the site will be served (only for the sign-in hint it prints).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["remove"]:
            with transaction.atomic():
                # Their anonymous counts first: a removed member's counts are otherwise kept.
                demo_contacts_remove()
                demo_support_remove()
                demo_housing_remove()
                count = jourer_delete_demo()
            self.stdout.write(f"Removed {count} demo jourer.")
            return
        result = demo_network_build()
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError("The demo network could not be built; nothing was changed.")
        self.stdout.write(
            f"Demo network: {result.created} jourer created, {result.updated} updated "
            f"({result.created + result.updated} in all)."
        )
        self.stdout.write(
            "The demo jourer are FICTIONAL: invented names marked (demo), .invalid addresses, "
            "and phone numbers from PTS's series reserved for fiction. "
            "Remove them with: fristad demo --remove"
        )
        self.stdout.write(
            f"Demo housing: {demo_housing_build()} units with vacancies (FICTIONAL, marked demo)."
        )
        if not settings.DEMO_MODE:
            self.stdout.write(
                "Demo staff not created (set FRISTAD_DEMO=1 on a machine that is not production)."
            )
            return
        self.stdout.write("\nDemo staff (DEMO ONLY: new passwords and TOTP secrets on every run):")
        for credential in demo_staff_build():
            self.stdout.write(
                f"  {credential.email:42} password {credential.password}"
                f"  TOTP secret {credential.totp_secret}"
                f"  ({credential.roles})"
            )
        self.stdout.write(demo_support_build())
        self.stdout.write(demo_contacts_build())
        site = options["site_url"].rstrip("/")
        self.stdout.write(f"Sign in at {site}/personal/ ; add the TOTP secret to an authenticator app.")
