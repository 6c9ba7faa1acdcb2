"""The one place where API query parameters that are numbers are parsed.

django-filter's `NumberFilter` reads a number as a `Decimal`: `?round=3.47e49` passes as
3.47·10⁴⁹ and the database driver fails on it (OverflowError, a 500). Every FilterSet of the
API derives from `FilterSet` below, which reads integers with `IntegerFilter`: digits only
(no exponent, decimal point, NaN or infinity) within the range of a database integer
column. Anything else is a 400 naming the parameter, e.g. `{"round": ["…"]}`.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django_filters.utils import get_model_field
from rest_framework.exceptions import ValidationError

# The portable (PostgreSQL) ranges: the schema must not depend on the database in use.
INTEGER_RANGES: dict[str, tuple[int, int]] = BaseDatabaseOperations.integer_field_ranges
DB_INTEGER_MIN, DB_INTEGER_MAX = INTEGER_RANGES["IntegerField"]


class IntegerFilter(django_filters.NumberFilter):
    """An integer query parameter, bounded to the database integer range (or tighter bounds
    given as `min_value` / `max_value`)."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int | None = None, max_value: int | None = None, **kwargs):
        self.bounded = min_value is not None or max_value is not None
        kwargs["min_value"] = DB_INTEGER_MIN if min_value is None else max(min_value, DB_INTEGER_MIN)
        kwargs["max_value"] = DB_INTEGER_MAX if max_value is None else min(max_value, DB_INTEGER_MAX)
        super().__init__(*args, **kwargs)

    def bound_to(self, field: models.Field) -> None:
        """Narrow the range to that of the model field filtered on (unless bounds were given)."""
        if not self.bounded:
            low, high = INTEGER_RANGES.get(field.get_internal_type(), (DB_INTEGER_MIN, DB_INTEGER_MAX))
            self.extra["min_value"], self.extra["max_value"] = max(low, DB_INTEGER_MIN), min(high, DB_INTEGER_MAX)

    @property
    def min_value(self) -> int:
        return self.extra["min_value"]

    @property
    def max_value(self) -> int:
        return self.extra["max_value"]

    def get_max_validator(self):
        return None  # the field's own max_value is the bound (NumberFilter adds 1e50)


class FilterSet(django_filters.FilterSet):
    """Base of every API FilterSet: integer model fields filter with a bounded `IntegerFilter`
    (declare numbers with `IntegerFilter`, never `NumberFilter`)."""

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        if issubclass(filter_class, django_filters.NumberFilter) and not issubclass(filter_class, IntegerFilter):
            if not isinstance(field, models.IntegerField):
                raise TypeError(f"{cls.__name__}: declare a filter for the non-integer number field {field.name!r}")
            return IntegerFilter, params
        return filter_class, params

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for declared in filters.values():
            if isinstance(declared, IntegerFilter) and cls._meta.model is not None:
                field = get_model_field(cls._meta.model, declared.field_name)
                if isinstance(field, models.IntegerField):
                    declared.bound_to(field)
                elif isinstance(field, models.ForeignKey) and isinstance(field.target_field, models.IntegerField):
                    declared.bound_to(field.target_field)
        return filters


def query_integer(
    query_params, name: str, *, field: str = "IntegerField", required: bool = False, messages: dict[str, str] | None = None
) -> int | None:
    """One integer query parameter outside a FilterSet, read as `IntegerFilter` reads it:
    `ValidationError({name: [...]})` (a 400 naming it) when it is malformed or out of the range
    of a database column of type `field`. `messages` override the form field's error messages (`required`, `invalid`)."""
    low, high = INTEGER_RANGES[field]
    form_field = forms.IntegerField(required=required, min_value=low, max_value=high, error_messages=messages)
    try:
        return form_field.clean(query_params.get(name))
    except forms.ValidationError as error:
        raise ValidationError({name: error.messages}) from None


def in_integer_range(value: int, *, field: str = "IntegerField") -> bool:
    """Whether a path's integer fits a database column of type `field` (outside: no such object, 404)."""
    low, high = INTEGER_RANGES[field]
    return low <= value <= high
