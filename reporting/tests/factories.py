"""Factories for the reporting tests (the forms and built-in rules come from the migration)."""

from __future__ import annotations

import factory

from alfadmin.models import Region, Role, University, User
from reporting.models import FormDefinition, Report, ValidationRule


class UniversityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = University
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.Sequence(lambda n: f"Universitet {n}")


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.LazyAttribute(lambda o: f"Region {o.code}")
    university = factory.SubFactory(UniversityFactory, code=factory.LazyAttribute(lambda o: f"U{o.factory_parent.code}"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.se")
    role = Role.VIEWER
    password = factory.django.Password("pw-for-tests-1")


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    region = factory.SubFactory(RegionFactory)
    definition = factory.LazyFunction(lambda: FormDefinition.objects.get(year=2024))


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ValidationRule

    name = factory.Sequence(lambda n: f"rule-{n}")
    left = "doctoral_degrees"
    operator = ValidationRule.Operator.LE
    right = "1000"
    severity = ValidationRule.Severity.ERROR
    message = "Too many."
