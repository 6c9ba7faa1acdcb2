"""Forms of the evaluation pages. They parse and validate input; the services write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from alfadmin.kernel.forms import VersionedModelForm, reason_field
from alfadmin.models import Region
from alfadmin.validation import FIRST_YEAR, LAST_YEAR

from .models import PANEL_NUMBERS, Bibliometrics, EvaluationRound, Finding, PanelRating, Rating, RegionFindings
from .services import FINDING_FIELDS, CellInput

YES, NO = "yes", "no"
FINDING_CHOICES = [("", _("not answered")), (YES, _("yes")), (NO, _("no"))]


def _finding_value(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


def _finding_choice(value: bool | None) -> str:
    return {True: YES, False: NO}.get(value, "")  # type: ignore[arg-type]  # None → ""


class EvaluationRoundForm(VersionedModelForm):
    """A round's name, years and model, and its three panels' names (the weights are the agreement period's)."""

    class Meta:
        model = EvaluationRound
        fields = ["name", "evaluation_year_from", "evaluation_year_to", "applies_from", "applies_to", "model", "source"]

    def __init__(self, *args, panels: dict[int, dict[str, Any]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for number in PANEL_NUMBERS:
            current = (panels or {}).get(number, {})
            self.fields[f"panel_{number}_name"] = forms.CharField(
                label=_("Panel %(number)s: name") % {"number": number}, max_length=200, initial=current.get("name")
            )

    def round_values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data}

    def panels(self) -> dict[int, dict[str, Any]]:
        return {n: {"name": self.cleaned_data[f"panel_{n}_name"]} for n in PANEL_NUMBERS}


class GridForm(forms.Form):
    """One form for a whole round: a rating and a justification per region and panel, and the
    three findings with comments per region. Field names: `rating-<CODE>-<panel>`,
    `justification-<CODE>-<panel>`, `<finding>-<CODE>`, `<finding>_comment-<CODE>`."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = reason_field()

    def __init__(
        self,
        *args,
        evaluation_round: EvaluationRound,
        regions: list[Region],
        ratings: dict[tuple[str, int], PanelRating],
        findings: dict[str, RegionFindings],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.evaluation_round = evaluation_round
        self.regions = regions
        self.panels = {p.number: p for p in evaluation_round.panels.all()}
        self.initial.setdefault("version", evaluation_round.version)
        rating_choices = [("", _("not rated")), *Rating.choices]
        for region in regions:
            for number in PANEL_NUMBERS:
                panel_name = self.panels[number].name if number in self.panels else str(number)
                current = ratings.get((region.code, number))
                self.fields[f"rating-{region.code}-{number}"] = forms.ChoiceField(
                    label=_("Rating of %(code)s in panel %(number)s (%(panel)s)")
                    % {"code": region.code, "number": number, "panel": panel_name},
                    choices=rating_choices,
                    required=False,
                    initial=current.rating if current else "",
                    widget=forms.Select(attrs={"class": "rating-select", "data-panel": number}),
                )
                self.fields[f"justification-{region.code}-{number}"] = forms.CharField(
                    label=_("Justification of panel %(number)s for %(code)s") % {"code": region.code, "number": number},
                    required=False,
                    initial=current.justification if current else "",
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
            current_findings = findings.get(region.code)
            for finding in Finding:
                self.fields[f"{finding.value}-{region.code}"] = forms.ChoiceField(
                    label=_("%(finding)s: %(code)s") % {"finding": finding.label, "code": region.code},
                    choices=FINDING_CHOICES,
                    required=False,
                    initial=_finding_choice(getattr(current_findings, finding.value, None)),
                )
                self.fields[f"{finding.value}_comment-{region.code}"] = forms.CharField(
                    label=_("Comment on “%(finding)s” for %(code)s") % {"finding": finding.label, "code": region.code},
                    required=False,
                    initial=getattr(current_findings, f"{finding.value}_comment", ""),
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def rows(self) -> list[dict[str, Any]]:
        """Bound fields arranged for the template: per region its panel cells and findings."""
        out = []
        for region in self.regions:
            out.append(
                {
                    "region": region,
                    "cells": [
                        {
                            "rating": self[f"rating-{region.code}-{n}"],
                            "justification": self[f"justification-{region.code}-{n}"],
                            "number": n,
                        }
                        for n in PANEL_NUMBERS
                    ],
                    "findings": [
                        {"answer": self[f"{f.value}-{region.code}"], "comment": self[f"{f.value}_comment-{region.code}"], "finding": f}
                        for f in Finding
                    ],
                }
            )
        return out

    def ratings(self) -> dict[tuple[str, int], str]:
        """The posted ratings (for the live check), valid or not."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {(r.code, n): data.get(f"rating-{r.code}-{n}") or "" for r in self.regions for n in PANEL_NUMBERS}

    def cells(self) -> dict[tuple[str, int], CellInput]:
        return {
            (r.code, n): CellInput(
                rating=self.cleaned_data.get(f"rating-{r.code}-{n}") or "",
                justification=(self.cleaned_data.get(f"justification-{r.code}-{n}") or "").strip(),
            )
            for r in self.regions
            for n in PANEL_NUMBERS
        }

    def findings(self) -> dict[str, dict[str, Any]]:
        result = {}
        for r in self.regions:
            values: dict[str, Any] = {}
            for name in FINDING_FIELDS:
                values[name] = _finding_value(self.cleaned_data.get(f"{name}-{r.code}") or "")
                values[f"{name}_comment"] = (self.cleaned_data.get(f"{name}_comment-{r.code}") or "").strip()
            result[r.code] = values
        return result


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReopenForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the round's history; the years the round applies to are recomputed."),
    )


class BibliometricsForm(VersionedModelForm):
    class Meta:
        model = Bibliometrics
        fields = [
            "region",
            "period_start",
            "period_end",
            "evaluation_round",
            "publications",
            "highly_cited",
            "citation_impact",
            "uncited_share",
            "source",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only a draft round can take new basis figures; a finalized round's figures are locked.
        rounds = EvaluationRound.objects.filter(status=EvaluationRound.Status.DRAFT)
        if self.instance.pk and self.instance.evaluation_round_id:
            rounds = rounds | EvaluationRound.objects.filter(pk=self.instance.evaluation_round_id)
        cast(forms.ModelChoiceField, self.fields["evaluation_round"]).queryset = rounds.order_by("-applies_from")
        cast(forms.ModelChoiceField, self.fields["region"]).queryset = Region.objects.filter(is_active=True).order_by("code")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("One row per region and period with the columns of the template."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    evaluation_round = forms.ModelChoiceField(
        label=_("Basis of evaluation round"),
        queryset=EvaluationRound.objects.none(),
        required=False,
        empty_label=_("none (figures only)"),
        help_text=_("Link the rows to a draft round whose basis they are (the Ds 2024 model uses its highly cited counts)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["evaluation_round"]).queryset = EvaluationRound.objects.filter(status=EvaluationRound.Status.DRAFT).order_by(
            "-applies_from"
        )


class CoPublicationForm(forms.Form):
    period_start = forms.IntegerField(label=_("first publication year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    period_end = forms.IntegerField(label=_("last publication year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    region_a = forms.ModelChoiceField(label=_("region"), queryset=Region.objects.none())
    region_b = forms.ModelChoiceField(label=_("other region"), queryset=Region.objects.none())
    publications = forms.DecimalField(label=_("co-publications"), min_value=Decimal("0"), max_digits=12, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("region_a", "region_b"):
            cast(forms.ModelChoiceField, self.fields[name]).queryset = Region.objects.filter(is_active=True).order_by("code")

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("region_a") and cleaned.get("region_a") == cleaned.get("region_b"):
            self.add_error("region_b", _("Choose two different regions."))
        if cleaned.get("period_start") and cleaned.get("period_end") and cleaned["period_end"] < cleaned["period_start"]:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return cleaned
