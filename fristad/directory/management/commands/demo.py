"""``fristad demo``: load (or with ``--remove`` delete) the fictional demo network."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fristad.directory.demo import demo_network_build
from fristad.directory.services import jourer_delete_demo


class Command(BaseCommand):
    help = "Create or update the fictional demo network of jourer (--remove deletes it)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--remove", action="store_true", help="Delete every demo jour (is_demo) instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["remove"]:
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
