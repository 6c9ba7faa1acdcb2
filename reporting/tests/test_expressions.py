from decimal import Decimal

import pytest

from reporting.expressions import ExpressionError, compare, evaluate, parse_comparison, parse_expression


def ev(text, **values):
    filled = {k: v is not None for k, v in values.items()}
    return evaluate(parse_expression(text), {k: (Decimal(v) if v is not None else None) for k, v in values.items()}, filled)


def test_arithmetic_precedence_and_functions():
    assert ev("1 + 2 * 3") == 7
    assert ev("(1 + 2) * 3") == 9
    assert ev("max(a, 0) + max(b, 0)", a="-5", b="7") == 7
    assert ev("abs(a - b)", a="3", b="10") == 7
    assert ev("5% * a", a="200") == 10
    assert ev("-a + 1", a="4") == -3


def test_missing_counts_as_zero_and_filled():
    assert ev("a + b + c", a="70", b="0", c=None) == 70
    assert ev("filled(c)", c=None) == 0
    assert ev("filled(c)", c="1") == 1


def test_comparison_parses_unicode_operators():
    comparison = parse_comparison("a ≤ b")
    assert comparison.operator == "≤"
    assert compare(Decimal(1), comparison.operator, Decimal(2))
    assert parse_comparison("a + b = 100").codes() == {"a", "b"}


@pytest.mark.parametrize("text", ["1 +", "__import__('os')", "a;b", "foo(1)", "1 2", "filled(1)", "a.b"])
def test_rejects_anything_else(text):
    with pytest.raises(ExpressionError):
        parse_expression(text)
