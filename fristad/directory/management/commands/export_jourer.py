"""``fristad export-jourer``: write every jour as a CSV or JSON jour file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fristad.directory import jourfile
from fristad.directory.selectors import jourer_export_specs


class Command(BaseCommand):
    help = "Export every jour (active or not) as a jour file that import-jourer reads back."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", choices=("csv", "json"), default="json", help="Default: json.")
        parser.add_argument("--output", "-o", default=None, help="Write to this file (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        specs = jourer_export_specs()
        text = jourfile.write(specs, options["format"])
        output: str | None = options["output"]
        if output is None or output == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"{output} cannot be written: {error.strerror or error}.") from None
        self.stdout.write(f"Exported {len(specs)} jourer to {output}.")
