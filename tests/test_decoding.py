from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.decoding import BadBytes, decode_text

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
SEED = RAW / "002_267eabc4729ba3a5.txt"  # UTF-8, mostly 3-byte CJK characters


def _check_bad(data: bytes, text: str, bad: list[BadBytes]) -> None:
    """Every reported run is really in the data and stands at a U+FFFD of the text."""
    lines = text.split("\n")
    for b in bad:
        assert b.raw and data[b.byte_offset : b.byte_offset + len(b.raw)] == b.raw
        assert lines[b.line - 1][b.column - 1] == "\ufffd"


def test_clean_utf8() -> None:
    text, encoding, bad = decode_text("项目名称\t攀登阅读\n第二行".encode())
    assert (text, encoding, bad) == ("项目名称\t攀登阅读\n第二行", "utf-8", [])


def test_empty() -> None:
    assert decode_text(b"") == ("", "utf-8", [])


def test_bom_is_stripped() -> None:
    text, encoding, bad = decode_text(b"\xef\xbb\xbf" + "绩效目标表".encode())
    assert (text, encoding, bad) == ("绩效目标表", "utf-8", [])


def test_whole_seed_is_utf8() -> None:
    data = SEED.read_bytes()
    assert decode_text(data) == (data.decode("utf-8"), "utf-8", [])


def test_gb18030_file() -> None:
    original = SEED.read_text(encoding="utf-8")
    text, encoding, bad = decode_text(original.encode("gb18030"))
    assert (text, encoding, bad) == (original, "gb18030", [])


def test_gb18030_file_cut_mid_character() -> None:
    original = "项目名称\t攀登阅读\n绩效指标\t满意度"
    data = original.encode("gb18030")[:-1]  # the last character loses its second byte
    text, encoding, bad = decode_text(data)
    assert encoding == "gb18030"
    assert text == original[:-1] + "\ufffd"
    assert len(bad) == 1 and bad[0].line == 2 and bad[0].raw == data[-1:]


def _offset_inside_character(data: bytes, near: int) -> int:
    """An offset just after the lead byte of a 3-byte UTF-8 character at or after `near`."""
    lead = next(i for i in range(near, len(data)) if 0xE0 <= data[i] <= 0xEF)
    return lead + 1


def test_seed_cut_in_the_middle_of_a_character() -> None:
    data = SEED.read_bytes()
    for near in (len(data) // 3, len(data) // 2, len(data) - 200):
        for extra in (0, 1):  # one or two of the character's three bytes kept
            cut = _offset_inside_character(data, near) + extra
            lead = cut - 1 - extra
            before = data[:lead].decode("utf-8")
            text, encoding, bad = decode_text(data[:cut])
            assert encoding == "utf-8"
            assert text == before + "\ufffd"  # everything before the cut character is intact
            assert bad == [
                BadBytes(
                    line=before.count("\n") + 1,
                    column=len(before.split("\n")[-1]) + 1,
                    byte_offset=lead,
                    raw=data[lead:cut],
                )
            ]
            assert bad[0].line == len(text.split("\n"))  # the last line


def test_stray_bytes_in_the_middle_of_a_line() -> None:
    original = SEED.read_text(encoding="utf-8")
    lines = original.split("\n")
    n = 20  # 1-based line that gets the stray bytes
    assert len(lines[n - 1]) > 6
    mid = len(lines[n - 1]) // 2
    prefix = "\n".join([*lines[: n - 1], lines[n - 1][:mid]]).encode()
    data = prefix + b"\xff\xfe" + original.encode()[len(prefix) :]
    text, encoding, bad = decode_text(data)
    assert encoding == "utf-8"
    assert bad == [BadBytes(line=n, column=mid + 1, byte_offset=len(prefix), raw=b"\xff\xfe")]
    out = text.split("\n")
    assert out[n - 1] == lines[n - 1][:mid] + "\ufffd\ufffd" + lines[n - 1][mid:]
    assert out[: n - 1] == lines[: n - 1] and out[n:] == lines[n:]  # the rest decoded
    _check_bad(data, text, bad)


def test_stray_bytes_on_several_lines() -> None:
    data = "第一行\n".encode() + b"\x80ab\n" + "第三行".encode() + b"\xff\n\xfe"
    text, encoding, bad = decode_text(data)
    assert encoding == "utf-8"
    assert text == "第一行\n\ufffdab\n第三行\ufffd\n\ufffd"
    assert [(b.line, b.column, b.raw) for b in bad] == [(2, 1, b"\x80"), (3, 4, b"\xff"), (4, 1, b"\xfe")]
    _check_bad(data, text, bad)


def test_gb18030_with_a_stray_byte_stays_gb18030() -> None:
    original = SEED.read_text(encoding="utf-8")
    encoded = original.encode("gb18030")
    mid = encoded.index(b"\n", len(encoded) // 2) + 1  # start of a line
    data = encoded[:mid] + b"\x80" + encoded[mid:]
    text, encoding, bad = decode_text(data)
    assert encoding == "gb18030"
    before, after = encoded[:mid].decode("gb18030"), encoded[mid:].decode("gb18030")
    assert text == before + "\ufffd" + after and before + after == original
    assert len(bad) == 1 and bad[0].line == encoded[:mid].count(b"\n") + 1 and bad[0].column == 1


# ---------------------------------------------------------------- properties

_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from("项目名称绩效指标满意度年度资金总额\t\n :：%≥"),
        st.characters(codec="utf-8", exclude_characters="\ufeff"),
    ),
    max_size=60,
)


def _valid_prefix(text: str, encoding: str, cut: int) -> str:
    """The longest prefix of `text` whose encoding fits in the first `cut` bytes."""
    size = 0
    for i, ch in enumerate(text):
        size += len(ch.encode(encoding))
        if size > cut:
            return text[:i]
    return text


@settings(max_examples=400)
@given(st.binary(max_size=200))
def test_never_raises_and_reports_consistently(data: bytes) -> None:
    text, encoding, bad = decode_text(data)
    assert encoding in ("utf-8", "gb18030")
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    assert text == body.decode(encoding, "replace")
    _check_bad(data, text, bad)
    assert [b.byte_offset for b in bad] == sorted(b.byte_offset for b in bad)


@settings(max_examples=400)
@given(_TEXT, st.data())
def test_utf8_cut_anywhere_keeps_the_valid_prefix(original: str, data: st.DataObject) -> None:
    encoded = original.encode("utf-8")
    cut = data.draw(st.integers(0, len(encoded)))
    text, encoding, bad = decode_text(encoded[:cut])
    prefix = _valid_prefix(original, "utf-8", cut)
    assert encoding == "utf-8"
    assert text.startswith(prefix)
    assert len(bad) <= 1
    if bad:
        assert bad[0].line == text.count("\n") + 1


@settings(max_examples=400)
@given(_TEXT, st.data())
def test_gb18030_cut_anywhere_keeps_the_valid_prefix(original: str, data: st.DataObject) -> None:
    encoded = original.encode("gb18030")
    cut = data.draw(st.integers(0, len(encoded)))
    text, encoding, bad = decode_text(encoded[:cut])
    prefix = _valid_prefix(original, "gb18030", cut)
    if encoding == "gb18030":  # short data can be valid UTF-8 too, then UTF-8 wins
        assert text.startswith(prefix)
        assert len(bad) <= 1
    _check_bad(encoded[:cut], text, bad)
