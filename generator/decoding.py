"""Decode a published document's bytes without ever rejecting the whole file.

`decode_text` tries UTF-8 (BOM stripped), then GB18030 (a superset of GBK). When
neither decodes cleanly it keeps the codec that loses fewer bytes, puts one U+FFFD
where each undecodable sequence stood (what ``bytes.decode(codec, "replace")``
gives) and lists every run of bad bytes with its line, so a maintainer sees where
the damage is while the rest of the document is still extracted. A UTF-8 file cut
in the middle of a multi-byte character is UTF-8 with one bad run on its last line.
"""

from __future__ import annotations

import codecs
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

BOM = codecs.BOM_UTF8
UTF8 = "utf-8"
GB18030 = "gb18030"
_SAMPLE = 1 << 16  # bytes tried with both codecs to pick which one to scan first


@dataclass(frozen=True)
class BadBytes:
    """A run of bytes that could not be decoded, replaced by one U+FFFD per sequence."""

    line: int  # 1-based line of the decoded text where the replacement stands
    column: int  # 1-based character column of the (first) replacement in that line
    byte_offset: int  # offset of the run's first byte in the original data (BOM included)
    raw: bytes  # the undecodable bytes


def decode_text(data: bytes) -> tuple[str, str, list[BadBytes]]:
    """(text, encoding name, bad byte runs); never raises. Bad runs are empty for clean files."""
    base = len(BOM) if data.startswith(BOM) else 0
    body = data[base:]
    try:
        return body.decode(UTF8), UTF8, []
    except UnicodeDecodeError:
        pass
    # before GB18030: UTF-8 Chinese cut mid-character is often valid GB18030 byte pairs
    truncated = _truncated_utf8(body)
    if truncated is not None:
        text, tail = truncated
        return text + "\ufffd", UTF8, _runs(body, UTF8, [(len(body) - len(tail), len(body))], base)
    try:
        return body.decode(GB18030), GB18030, []
    except UnicodeDecodeError:
        pass
    # scan first the codec that does better on a sample, so that the other can give up early
    sample = body[:_SAMPLE]
    first, second = UTF8, GB18030
    if _lost(_scan(sample, GB18030)[1]) < _lost(_scan(sample, UTF8)[1]):
        first, second = GB18030, UTF8
    text, spans = _scan(body, first)
    lost = _lost(spans)
    # ties go to UTF-8: it must lose no more bytes than GB18030, GB18030 strictly fewer
    other_text, other_spans = _scan(body, second, limit=lost + 1 if second == UTF8 else lost)
    if _lost(other_spans) < lost or (second == UTF8 and _lost(other_spans) == lost):
        return other_text, second, _runs(body, second, other_spans, base)
    return text, first, _runs(body, first, spans, base)


def _truncated_utf8(body: bytes) -> tuple[str, bytes] | None:
    """Valid UTF-8 except for an incomplete character at the very end: (text, that tail)."""
    decoder = codecs.getincrementaldecoder(UTF8)()
    try:
        text = decoder.decode(body, final=False)
    except UnicodeDecodeError:
        return None
    tail = decoder.getstate()[0]
    # the decoder also holds back a tail that can never complete (b"\xed\xa0": a surrogate)
    return (text, tail) if tail and tail.decode(UTF8, "replace") == "\ufffd" else None


class _TooMany(Exception):
    """Raised by the error handler once a codec has lost `limit` bytes: it is no better."""


@dataclass
class _Collect:
    limit: int | None
    spans: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each bad sequence
    lost: int = 0


_COLLECT: ContextVar[_Collect] = ContextVar("generator_decoding_collect")
_HANDLER = "generator.decoding.collect"


def _collect(exc: UnicodeError) -> tuple[str, int]:
    """Error handler: note the bad sequence, replace it as "replace" does."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    state = _COLLECT.get()
    end = max(exc.end, exc.start + 1)
    state.spans.append((exc.start, end))
    state.lost += end - exc.start
    if state.limit is not None and state.lost >= state.limit:
        raise _TooMany
    return "\ufffd", end


codecs.register_error(_HANDLER, _collect)


def _scan(body: bytes, codec: str, limit: int | None = None) -> tuple[str, list[tuple[int, int]]]:
    """Text with one U+FFFD per bad sequence, and the sequences' byte spans. Gives up (text "")
    once `limit` or more bytes are lost: the caller only needs to know it is no better."""
    state = _Collect(limit)
    token = _COLLECT.set(state)
    try:
        return body.decode(codec, _HANDLER), state.spans
    except _TooMany:
        return "", state.spans
    finally:
        _COLLECT.reset(token)


def _lost(spans: list[tuple[int, int]]) -> int:
    return sum(end - start for start, end in spans)


def _runs(body: bytes, codec: str, spans: list[tuple[int, int]], base: int) -> list[BadBytes]:
    """Adjacent bad sequences merged into runs, each placed at its first U+FFFD."""
    out: list[BadBytes] = []
    line, column, prev = 1, 1, 0  # column: where the next character goes
    for start, end in spans:
        if out and start == prev:  # right after the previous sequence: the same run
            out[-1] = replace(out[-1], raw=out[-1].raw + body[start:end])
        else:
            clean = body[prev:start].decode(codec, "replace")  # decoded cleanly before it
            if "\n" in clean:
                line, column = line + clean.count("\n"), len(clean) - clean.rfind("\n")
            else:
                column += len(clean)
            out.append(BadBytes(line, column, base + start, body[start:end]))
        column, prev = column + 1, end  # the U+FFFD
    return out
