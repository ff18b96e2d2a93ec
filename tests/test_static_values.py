"""resolve/values.py and value_order.py: what they claim about values is what PostgreSQL does."""

from __future__ import annotations

import datetime

import pytest

from schemac.resolve import value_order, values

DATE = values.value_type("date", {})
ZONED = values.value_type("timestamptz", {})
INTEGER = values.value_type("integer", {})
TEXT = values.value_type("text", {})


def test_days_from_civil_agrees_with_python_dates() -> None:
    epoch = datetime.date(1970, 1, 1)
    day = datetime.date(1, 1, 1)
    while day.year < 9999:
        assert value_order._days_from_civil(day.year, day.month, day.day) == (day - epoch).days
        day += datetime.timedelta(days=97)


@pytest.mark.parametrize(
    "vt,a,b,order",
    [
        (INTEGER, "minvalue", 5, -1),
        (INTEGER, "MAXVALUE", 5, 1),
        (INTEGER, "minvalue", "minvalue", 0),
        (INTEGER, " 7 ", 7, 0),
        (DATE, datetime.date(2024, 1, 1), "2024-01-01", 0),
        (DATE, "10000-01-01", "9999-12-31", 1),
        (ZONED, "2024-01-01 00:00+02", "2023-12-31 22:00Z", 0),
        (ZONED, "2024-01-01", "2024-01-03", -1),
        (ZONED, "2024-01-01 00:00", "2024-01-01 05:00", None),
        (TEXT, "a", "b", None),
        (TEXT, "a", "a", 0),
    ],
)
def test_compare_claims_only_certain_orders(
    vt: values.ValueType, a: object, b: object, order: int | None
) -> None:
    assert value_order.compare(vt, a, b) == order


def test_exact_keys_only_where_equality_is_certain() -> None:
    assert value_order.key(INTEGER, "12") == value_order.key(INTEGER, 12)
    assert value_order.key(INTEGER, 1.0).exact is False
    inet = values.value_type("inet", {})
    assert value_order.key(inet, "10.0.0.1").exact is False
    assert value_order.key(inet, "10.0.0.1") == value_order.key(inet, "10.0.0.1")
