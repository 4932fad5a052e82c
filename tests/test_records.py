"""Records on disk: YAML round trip on arbitrary text, fixed key order."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.model import Indicator, Record, SourceRef
from generator.records import dump_record, load_yaml
from generator.validate import TOP

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x85\u2028\u2029"),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(name=text, overview=text, value=text, amount=st.one_of(st.none(), st.integers(0, 10**12)))
def test_record_yaml_round_trip(tmp_path_factory, name, overview, value, amount):
    rec = Record(
        project_name=name,
        source=SourceRef("x.txt", 1, 2),
        overview=overview,
        indicators=[Indicator("period", "产出指标", "数量指标", name, value)],
    )
    rec.funds.annual.total = amount
    data = rec.to_dict()
    path = tmp_path_factory.mktemp("rt") / "r.yaml"
    path.write_text(dump_record(data), encoding="utf-8")
    assert load_yaml(path) == data


def test_keys_follow_the_schema_order():
    data = Record(project_name="x", source=SourceRef("x.txt", 1, 2)).to_dict()
    assert list(data) == list(TOP)
