"""Render examples of the sequence changes (one golden each, see test_render.py)."""

from __future__ import annotations

from schemac.model.schema import Sequence
from schemac.plan import changes as c

ORDER_NO = Sequence(
    name="order_no",
    data_type="integer",
    start=1000,
    min_value=1,
    max_value=2**31 - 1,
    cache=5,
)
#: a name that needs quoting, in another schema, counting down and cycling
COUNTDOWN = Sequence(
    schema_name="billing",
    name="Count Down",
    data_type="smallint",
    increment=-1,
    min_value=-(2**15),
    max_value=-1,
    start=-1,
    cycle=True,
    owned_by=("Invoices", "no"),
)


def object_examples() -> dict[str, list[c.Change]]:
    bigger = ORDER_NO.model_copy(update={"data_type": "bigint", "max_value": 2**63 - 1})
    return {
        "create_sequence": [c.CreateSequence(ORDER_NO), c.CreateSequence(COUNTDOWN)],
        "alter_sequence": [
            c.AlterSequence(bigger, ORDER_NO, live=True),
            c.AlterSequence(
                ORDER_NO.model_copy(update={"start": 5, "cache": 1, "cycle": True}),
                ORDER_NO,
                live=True,
            ),
        ],
        "set_sequence_owner": [
            c.SetSequenceOwner(COUNTDOWN, None),
            c.SetSequenceOwner(COUNTDOWN.model_copy(update={"owned_by": None}), ("Invoices", "no")),
        ],
    }
