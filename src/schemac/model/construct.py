"""A cheaper `model_construct` for model values built by the ten thousand (resolve, introspect).

pydantic's `model_construct` walks every field of the class on every call (aliases, defaults,
the fields-set bookkeeping): about half of the time of resolving a large schema. The model
classes resolution builds have no aliases, no private attributes, no post-init hook and only
immutable defaults, so an instance is its field dict in field order, the names that were passed
and two empty slots; that is computed once per class here. The resolver passes every field in
declaration order: then the keyword dict of the call already is the instance's field dict. The
result is the same object `model_construct` makes: equal to it, frozen, and dumped the same way.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

M = TypeVar("M", bound=BaseModel)

_set = object.__setattr__
#: BaseModel defines no __new__: instances are made as object.__new__ makes them
_new = object.__new__
_IMMUTABLE = (type(None), str, int, float, bool, tuple, frozenset)


class _Plan:
    __slots__ = ("names", "order", "required", "template")

    def __init__(self, template: dict[str, Any], required: frozenset[str], names: frozenset[str]):
        #: every field in declaration order, with its default (PydanticUndefined when required)
        self.template = template
        self.required = required
        self.names = names
        #: the field names in declaration order
        self.order = tuple(template)


#: class -> its plan, or None when the class needs pydantic's own model_construct
_PLANS: dict[type[BaseModel], _Plan | None] = {}


def _plan(cls: type[BaseModel]) -> _Plan | None:
    if cls.__pydantic_post_init__ or cls.__private_attributes__ or cls.__pydantic_root_model__:
        return None
    if cls.__new__ is not object.__new__:
        return None
    if cls.model_config.get("extra") == "allow":
        return None
    template: dict[str, Any] = {}
    for name, field in cls.__pydantic_fields__.items():
        if field.alias is not None or field.validation_alias is not None:
            return None
        if field.is_required():
            template[name] = PydanticUndefined
            continue
        default = field.get_default(call_default_factory=True, validated_data={})
        # a default is shared by every instance: only values nobody can change may be
        frozen_model = isinstance(default, BaseModel) and default.model_config.get("frozen")
        if not (isinstance(default, _IMMUTABLE) or frozen_model):
            return None
        template[name] = default
    required = frozenset(n for n, v in template.items() if v is PydanticUndefined)
    return _Plan(template, required, frozenset(template))


def construct(cls: type[M], /, **values: Any) -> M:
    """`cls.model_construct(**values)` for trusted values: every required field must be given.

    Unlike model_construct, an unknown or missing field name is a TypeError (a bug in the
    resolver), never silently dropped or left unset.
    """
    try:
        plan = _PLANS[cls]
    except KeyError:
        plan = _PLANS[cls] = _plan(cls)
    if plan is None:
        return cls.model_construct(**values)
    keys = values.keys()
    if tuple(keys) == plan.order:
        # every field, in declaration order (how the resolver calls it): values is the dict
        fields = values
    elif plan.required <= keys and keys <= plan.names:
        fields = {**plan.template, **values}
    else:
        missing, unknown = sorted(plan.required - keys), sorted(keys - plan.names)
        raise TypeError(f"{cls.__name__}: missing fields {missing}, unknown fields {unknown}")
    model = _new(cls)
    _set(model, "__dict__", fields)
    _set(model, "__pydantic_fields_set__", set(keys))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model
