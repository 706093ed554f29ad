"""``makemessages`` that also finds the msgids of ``fristad.web.plurals.counted``: the
counted strings her chat page fills in in the browser (singular, plural)."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=counted:1,2"]
