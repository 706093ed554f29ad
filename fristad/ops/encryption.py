"""The columns encrypted at rest, found from the models (``EncryptedTextField``), and
the two operations a key rotation needs: check that every value opens, and move every
value to the newest key (``fristad reencrypt``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection, models, transaction

from fristad.web.crypto import EncryptedTextField, InvalidToken, newest_key_opens, reencrypt

BATCH = 500


@dataclass(frozen=True)
class EncryptedColumn:
    model: type[models.Model]
    field: EncryptedTextField

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"


def encrypted_columns() -> list[EncryptedColumn]:
    return [
        EncryptedColumn(model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, EncryptedTextField)
    ]


def _names(column: EncryptedColumn) -> tuple[str, str, str]:
    """Table, primary key and column, quoted (names from the models, never from input)."""
    quote = connection.ops.quote_name
    meta = column.model._meta
    pk = meta.pk.column if meta.pk is not None else None
    return quote(meta.db_table), quote(str(pk or "id")), quote(str(column.field.column))


def _raw_values(column: EncryptedColumn) -> Iterator[tuple[Any, str]]:
    """(primary key, stored token) without decrypting: the raw column, in batches."""
    table, pk, col = _names(column)
    last: Any = None
    while True:
        after, params = ("", [BATCH]) if last is None else (f" AND {pk} > %s", [last, BATCH])
        query = f"SELECT {pk}, {col} FROM {table} WHERE {col} <> ''{after} ORDER BY {pk} LIMIT %s"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            rows = cursor.fetchall()
        if not rows:
            return
        yield from ((row[0], row[1]) for row in rows if row[1] is not None)
        last = rows[-1][0]


@dataclass
class ReencryptResult:
    reencrypted: int = 0
    current: int = 0
    unreadable: int = 0


def column_reencrypt(column: EncryptedColumn, *, write: bool = True) -> ReencryptResult:
    """Every value of a column under the newest key (``write=False``: only count what
    would move). A value changed meanwhile by the application is left as it is (the
    UPDATE is conditional on the token read): it was written with the newest key anyway."""
    result = ReencryptResult()
    table, pk, col = _names(column)
    for key, token in _raw_values(column):
        if newest_key_opens(token):
            result.current += 1
            continue
        try:
            fresh = reencrypt(token)
        except InvalidToken:
            result.unreadable += 1
            continue
        if not write:
            result.reencrypted += 1
            continue
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {col} = %s WHERE {pk} = %s AND {col} = %s",  # noqa: S608
                [fresh, key, token],
            )
        result.reencrypted += 1
    return result


def column_unreadable(column: EncryptedColumn, *, limit: int = 1000) -> int:
    """How many of the first ``limit`` values no configured key opens (a lost key)."""
    from fristad.web.crypto import decrypt

    unreadable = 0
    for n, (_key, token) in enumerate(_raw_values(column)):
        if n >= limit:
            break
        try:
            decrypt(token)
        except (InvalidToken, ValueError):
            unreadable += 1
    return unreadable
