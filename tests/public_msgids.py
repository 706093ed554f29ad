"""The msgids of the public site, read from its sources as makemessages reads them.

The public site is what a help-seeker can reach: the shared layout and error pages
(web), the directory's pages (home, search and results, jour pages, every information
page) and her chat page. Its strings must be translated in every language of
settings.COMPLETE_LANGUAGES; the staff side's strings need not be (staff pages are
served in settings.STAFF_LANGUAGES only).

Keys are (msgctxt, msgid) as in the catalogues; plural entries are keyed by their
singular msgid and listed in PLURAL_KEYS with their plural msgid.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "fristad"

# Sources of the public site, relative to fristad/ (globs).
PUBLIC_TEMPLATES = (
    "web/templates/web/*.html",
    "directory/templates/directory/*.html",
    "directory/templates/directory/info/*.html",
    "chat/templates/chat/chat.html",
)
PUBLIC_MODULES = (
    "web/views.py",
    "directory/views.py",
    "directory/forms.py",
    "directory/models.py",
    "directory/pages.py",
    "directory/templatetags/directory.py",
    "chat/views.py",
)

Key = tuple[str | None, str]

_STRING = r"""(?:"([^"]*)"|'([^']*)')"""
TRANSLATE_RE = re.compile(r"\{%\s*(?:translate|trans)\s+" + _STRING + r"(.*?)%\}", re.DOTALL)
CONTEXT_RE = re.compile(r"\bcontext\s+" + _STRING)
BLOCK_RE = re.compile(
    r"\{%\s*(?:blocktranslate|blocktrans)\b(.*?)%\}(.*?)\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}",
    re.DOTALL,
)
PLURAL_RE = re.compile(r"\{%\s*plural\s*%\}")
VARIABLE_RE = re.compile(r"\{\{\s*(\w+)\s*\}\}")

GETTEXT_FUNCTIONS = {
    # name: (index of msgctxt or None, index of msgid, index of plural msgid or None)
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "counted": (None, 0, 1),  # fristad.web.plurals
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def _block_text(text: str, trimmed: bool) -> str:
    if trimmed:
        text = " ".join(line.strip() for line in text.splitlines() if line.strip())
    text = text.replace("%", "%%")
    return VARIABLE_RE.sub(lambda m: f"%({m.group(1)})s", text)


def template_keys(text: str) -> dict[Key, str | None]:
    """(msgctxt, msgid) -> plural msgid (or None) of one template's text."""
    keys: dict[Key, str | None] = {}
    for m in TRANSLATE_RE.finditer(text):
        msgid = m.group(1) if m.group(1) is not None else m.group(2)
        ctx = CONTEXT_RE.search(m.group(3))
        context = (ctx.group(1) if ctx.group(1) is not None else ctx.group(2)) if ctx else None
        keys[(context, msgid)] = None
    for m in BLOCK_RE.finditer(text):
        options, body = m.group(1), m.group(2)
        trimmed = re.search(r"\btrimmed\b", options) is not None
        ctx = CONTEXT_RE.search(options)
        context = (ctx.group(1) if ctx.group(1) is not None else ctx.group(2)) if ctx else None
        parts = PLURAL_RE.split(body)
        singular = _block_text(parts[0], trimmed)
        plural = _block_text(parts[1], trimmed) if len(parts) > 1 else None
        keys[(context, singular)] = plural
    return keys


def _literal(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def module_keys(text: str) -> dict[Key, str | None]:
    keys: dict[Key, str | None] = {}
    for node in ast.walk(ast.parse(text)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in GETTEXT_FUNCTIONS:
            continue
        ctx_at, id_at, plural_at = GETTEXT_FUNCTIONS[name]
        args = node.args
        if len(args) <= max(i for i in (ctx_at, id_at, plural_at) if i is not None):
            continue
        msgid = _literal(args[id_at])
        if msgid is None:
            continue
        context = _literal(args[ctx_at]) if ctx_at is not None else None
        plural = _literal(args[plural_at]) if plural_at is not None else None
        keys[(context, msgid)] = plural
    return keys


def source_files() -> list[Path]:
    files = [path for pattern in PUBLIC_TEMPLATES for path in sorted(PACKAGE_DIR.glob(pattern))]
    return files + [PACKAGE_DIR / module for module in PUBLIC_MODULES]


@cache
def public_keys() -> dict[Key, str | None]:
    """Every public (msgctxt, msgid) -> its plural msgid (None for a singular string)."""
    keys: dict[Key, str | None] = {}
    for path in source_files():
        text = path.read_text(encoding="utf-8")
        keys.update(module_keys(text) if path.suffix == ".py" else template_keys(text))
    return keys


def keys_of(relative: str) -> dict[Key, str | None]:
    """The keys of one source file, relative to fristad/."""
    path = PACKAGE_DIR / relative
    text = path.read_text(encoding="utf-8")
    return module_keys(text) if path.suffix == ".py" else template_keys(text)
