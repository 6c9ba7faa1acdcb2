"""Texts a person stores hold no control characters.

A control character cannot be written to XLSX (XML refuses it) and no one types one on
purpose: it arrives by pasting from another program. It is refused where it is typed, naming
the field, rather than stored and carried into every export. Tab, line feed and carriage return
are the line breaks of multi-line texts and are allowed there.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

MULTI_LINE_ALLOWED = frozenset("\t\n\r")


def first_control_character(text: str, *, multi_line: bool = True) -> str | None:
    """The first control character in `text` (None if there is none)."""
    for character in text:
        if unicodedata.category(character) == "Cc" and not (multi_line and character in MULTI_LINE_ALLOWED):
            return character
    return None


def control_character_message(field: str, character: str) -> str:
    """The refusal naming the field and the character (as U+000B, since it cannot be shown)."""
    return _("%(field)s contains a control character (U+%(code)04X): remove it (it usually comes from pasting).") % {
        "field": field,
        "code": ord(character),
    }


def no_control_characters(text: Any, *, field: str, multi_line: bool = True) -> None:
    """Refuse (``ValidationError``) a text holding a control character, naming `field`."""
    if not isinstance(text, str):
        return
    character = first_control_character(text, multi_line=multi_line)
    if character is not None:
        raise ValidationError(control_character_message(field, character), code="control_character")


def check_text_fields(instance: models.Model, *, only: set[str] | None = None) -> None:
    """Refuse control characters in the text fields of `instance` (those in `only`, if given).

    Only the fields a write changes are checked, so an older row holding one can still be
    edited elsewhere; the error is keyed by field name and names its label.
    """
    errors: dict[str, str] = {}
    for model_field in instance._meta.concrete_fields:
        if not isinstance(model_field, models.CharField | models.TextField) or (only is not None and model_field.name not in only):
            continue
        value = getattr(instance, model_field.attname)
        if not isinstance(value, str):
            continue
        character = first_control_character(value, multi_line=isinstance(model_field, models.TextField))
        if character is not None:
            errors[model_field.name] = control_character_message(str(capfirst(model_field.verbose_name)), character)
    if errors:
        raise ValidationError(errors)
