"""``fristad import-jourer FILE``: import a CSV or JSON jour file, all or nothing."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fristad.directory.services import jourer_import

FORMATS = ("csv", "json")


def _read(source: str) -> bytes:
    if source == "-":
        return sys.stdin.buffer.read()
    path = Path(source)
    if path.is_dir():
        raise CommandError(f"{source} is a directory, not a jour file.")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{source}: no such file.") from None
    except OSError as error:
        raise CommandError(f"{source} cannot be read: {error.strerror or error}.") from None


def _format(source: str, given: str | None, text: str) -> str:
    if given:
        return given
    suffix = Path(source).suffix.casefold().lstrip(".") if source != "-" else ""
    if suffix in FORMATS:
        return suffix
    if source == "-":
        # Standard input has no name: a JSON jour file is a list, so it starts with [.
        return "json" if text.lstrip("\ufeff \t\r\n").startswith("[") else "csv"
    raise CommandError(
        f"Cannot tell the format of {source} from its name: give --format csv or --format json."
    )


class Command(BaseCommand):
    help = (
        "Import jourer from a CSV or JSON jour file (- reads standard input). Every row is "
        "checked first; when any row is wrong, each problem is printed and nothing is imported."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The jour file, or - for standard input.")
        parser.add_argument(
            "--format", choices=FORMATS, default=None, help="csv or json (default: from the file name)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["file"]
        data = _read(source)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{source} is not UTF-8 text (byte {error.start + 1} cannot be read): "
                "save it as UTF-8 and try again. Nothing was imported."
            ) from None
        if not text.strip():
            raise CommandError(f"{source} is empty. Nothing was imported.")
        fmt = _format(source, options["format"], text)
        result = jourer_import(text=text, fmt=fmt)
        if not result.ok:
            for problem in result.errors:
                self.stderr.write(str(problem))
            count = len(result.errors)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} in {source}. Nothing was imported."
            )
        self.stdout.write(
            f"Imported {result.created + result.updated} jourer: "
            f"{result.created} created, {result.updated} updated."
        )
