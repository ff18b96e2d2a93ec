import pytest
from pydantic import ValidationError

from schemac.model.construct import construct
from schemac.model.schema import Column, Index, IndexPart, Rls, Table
from schemac.source import Span


def test_construct_makes_what_model_construct_makes() -> None:
    part = dict(column="a", expression=None, opclass=None, descending=False, nulls=None)
    values = dict(
        name="t",
        columns=(Column.model_construct(name="a", type="text"),),
        indexes=(Index.model_construct(name="i", parts=(IndexPart(**part),)),),
        rls=Rls(),
        span=Span("f.yaml", 1, 1),
    )
    fast, slow = construct(Table, **values), Table.model_construct(**values)
    assert fast == slow
    assert list(fast.__dict__) == list(slow.__dict__)
    assert fast.model_fields_set == slow.model_fields_set
    assert fast.model_dump(mode="json") == slow.model_dump(mode="json")
    with pytest.raises(ValidationError, match="frozen"):
        fast.name = "u"  # type: ignore[misc]


def test_construct_refuses_missing_and_unknown_fields() -> None:
    with pytest.raises(TypeError, match="missing fields \\['type'\\]"):
        construct(Column, name="a")
    with pytest.raises(TypeError, match="unknown fields \\['colour'\\]"):
        construct(Column, name="a", type="text", colour="red")
