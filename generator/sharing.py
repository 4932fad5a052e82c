"""What loaded records share in memory.

A record as pydantic makes it holds its own set of the fields given for every model in it
(about 700 bytes for an indicator: pydantic-core issue #1758) and its own copy of every
string, though the 指标 levels, units, values and flag codes repeat across records. At
51,300 records that was 41 KB a record and most of generate's 4 GB; shared, 18 KB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

SHARED_MAX = 24  # characters: names, units, values, codes repeat; longer texts rarely do


class SharedFields(frozenset[str]):
    """The fields set of many loaded models, shared (share_common). Pydantic adds a field's
    name here when the field is assigned: a no-op for a field already set, as all are but an
    absent OPTIONAL one. Assigning that one to a loaded model is an error (raised after
    pydantic stored the value), never marked as given in every model sharing the set."""

    def add(self, name: str) -> None:
        if name not in self:
            raise TypeError(f"字段 {name} 未在记录文件中给出；已载入的记录不可补设此字段")

    def __copy__(self) -> set[str]:  # a model's copy (model_copy) gets a set of its own
        return set(self)

    def __deepcopy__(self, memo: dict[int, object]) -> set[str]:
        return set(self)


@dataclass
class Shared:
    """What loaded models share: one fields set per model and set of fields, one object per
    short string (share_common)."""

    fields: dict[tuple[type, frozenset[str]], SharedFields] = field(default_factory=dict)
    strings: dict[str, str] = field(default_factory=dict)


def share_common(model: BaseModel, shared: Shared) -> None:
    """Let a validated model and the models inside it use `shared`'s fields sets and short
    strings in place of their own (equal) ones. No value changes."""
    given = model.__pydantic_fields_set__
    key = (type(model), frozenset(given))
    object.__setattr__(model, "__pydantic_fields_set__", shared.fields.setdefault(key, SharedFields(given)))
    values = model.__dict__
    for name, value in values.items():
        if type(value) is str:
            if len(value) <= SHARED_MAX:
                values[name] = shared.strings.setdefault(value, value)
        elif isinstance(value, BaseModel):
            share_common(value, shared)
        elif type(value) is list:
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    share_common(item, shared)
                elif type(item) is str and len(item) <= SHARED_MAX:
                    value[i] = shared.strings.setdefault(item, item)
