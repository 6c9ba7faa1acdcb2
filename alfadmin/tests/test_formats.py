"""Swedish number and money formats."""

from django.utils import translation

from alfadmin.templatetags.alf_format import kr, mkr, num, percent

NBSP = "\u00a0"


def test_kronor_in_swedish_and_english():
    with translation.override("sv"):
        assert kr(1234567) == f"1{NBSP}234{NBSP}567{NBSP}kr"
        assert kr(None) == "–"
        assert mkr(2_708_000_000) == f"2{NBSP}708,0{NBSP}mnkr"
        assert num("1234.5", 1) == f"1{NBSP}234,5"
        assert percent("0.125") == f"12,5{NBSP}%"
    with translation.override("en"):
        assert kr(1234567) == f"SEK{NBSP}1,234,567"
        assert percent("0.125") == f"12.5{NBSP}%"
