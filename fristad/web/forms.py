"""The project's form renderer: every field of every app through one template.

``settings.FORM_RENDERER`` names :class:`FormRenderer`, so ``{{ form.name.as_field_group }}``
(and ``{% for field in form %}{{ field.as_field_group }}{% endfor %}``) renders
``web/forms/field.html``, whichever app the form belongs to. The wiring for assistive
technology is Django's own (5.2, ``BoundField.build_widget_attrs``): a field with errors gets
``aria-invalid="true"``, and ``aria-describedby`` names ``<id>_helptext`` and ``<id>_error``,
the ids the template gives the help text and the error list (``{{ field.errors }}``).
A form must therefore not set ``aria-describedby`` on a widget itself: Django then leaves
the wiring to it.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Django's default renderer (its widget templates, then the apps' templates), with our field."""

    field_template_name = "web/forms/field.html"
