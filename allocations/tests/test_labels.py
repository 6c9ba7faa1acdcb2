"""Every engine line has a label and an export header; the allocation status is one function."""

from __future__ import annotations

import pytest

from alfrules.predicates import GUNS_LINES, RESEARCH_LINES
from allocations import labels
from allocations.selectors import allocation_status


@pytest.mark.parametrize("model", sorted(RESEARCH_LINES))
def test_every_engine_line_has_a_label_and_an_export_header(model):
    for line in RESEARCH_LINES[model]:
        assert line in labels.LINE_LABELS
        assert line in labels.EXPORT_RESEARCH_HEADERS
    assert model in labels.MODEL_LABELS and model in labels.EXPORT_MODEL_NAMES


def test_guns_lines_have_labels():
    assert set(GUNS_LINES) <= set(labels.LINE_LABELS)


@pytest.mark.parametrize(
    ("recomputing", "failed", "computed", "published", "status"),
    [
        (True, True, True, True, "recomputing"),
        (False, True, True, True, "published"),
        (False, True, True, False, "failed"),
        (False, False, True, False, "current"),
        (False, False, False, False, "missing"),
    ],
)
def test_allocation_status(recomputing, failed, computed, published, status):
    assert allocation_status(recomputing=recomputing, failed=failed, computed=computed, published=published) == status
    assert status in labels.STATUS_LABELS
