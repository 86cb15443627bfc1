"""How the statistics show numbers: rates rounded, not cut; no data said so."""

from decimal import Decimal

from django.utils import translation

from reports.templatetags.statistics import form_count, percent


def test_rates_are_rounded_to_a_tenth_of_a_percent():
    with translation.override("vi"):
        assert percent(Decimal("0.6667")) == "66,7 %"
        assert percent(Decimal("0.8333")) == "83,3 %"
        assert percent(None) == "chưa có dữ liệu"
    with translation.override("en"):
        assert percent(Decimal("0.6667")) == "66.7 %"


def test_counts_on_the_filed_form_use_the_vietnamese_grouping():
    with translation.override("en"):
        assert form_count(1234567) == "1.234.567"
