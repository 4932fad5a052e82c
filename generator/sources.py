"""Stage 1: the published documents in data/raw/ and their entries in data/sources.yaml.

Every entry is checked against the Source model and against the others: a file is
listed once, a region has one slug and a slug one region; a file with no entry and
an entry with no file are each reported at their line. A region may have many
documents (a county's departments often publish separately).
"""

from __future__ import annotations

import copy
import difflib
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from generator.decoding import decode_text
from generator.model import SLUG, Model, Name, Text
from generator.paths import Paths
from generator.problems import Report
from generator.readers import reader_for
from generator.schema_errors import describe, yaml_problem
from generator.tables import Reading, as_text

MAX_BAD_SPANS = 20  # undecodable spans reported one by one; the rest are counted

# what a file that is not a text export starts with
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "Word/Excel（.docx/.xlsx）"),
    (b"\xd0\xcf\x11\xe0", "Word 97–2003（.doc）"),
    (b"{\\rtf", "RTF"),
)
_BINARY_SUFFIXES = {".pdf": "PDF", ".docx": "Word", ".doc": "Word", ".xlsx": "Excel", ".xls": "Excel"}


RESERVED_SLUGS = frozenset({"index"})  # regions/index.md is the list of regions


def _not_reserved(slug: str) -> str:
    if slug in RESERVED_SLUGS:
        raise ValueError(f"{slug} 是保留名称（regions/{slug} 另有用途），请换一个")
    return slug


class Source(Model):
    """One entry of data/sources.yaml: a published document and where it comes from."""

    file: Annotated[str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^/\\]+$")] = Field(
        title="文件", description="data/raw/ 中的文件名（不含目录）。"
    )
    province: Annotated[str, StringConstraints(min_length=1, max_length=40)] = Field(title="省")
    prefecture: Name = Field("", title="市")
    region: Annotated[str, StringConstraints(min_length=1, max_length=60)] = Field(title="地区")
    slug: Annotated[str, StringConstraints(max_length=40, pattern=SLUG), AfterValidator(_not_reserved)] = (
        Field(title="地区代号", description="小写字母、数字和连字符；用于编号和网址，发布后不可更改。")
    )
    year: Annotated[int, Field(ge=1949, le=2100)] = Field(title="预算年度")
    publisher: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(title="发布者")
    title: Annotated[Text, StringConstraints(min_length=1)] = Field(title="文件标题")
    url: Text = Field("", title="原始网址")
    published: Annotated[str, StringConstraints(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = Field(
        "", title="发布日期", description="政府网站发布该文件的日期，YYYY-MM-DD"
    )
    line: int = Field(0, exclude=True)  # where the entry starts in data/sources.yaml
    key_lines: dict[str, int] = Field(default_factory=dict, exclude=True)  # and each of its keys

    @property
    def region_key(self) -> tuple[str, str]:
        return (self.province, self.region)


@dataclass(frozen=True)
class Document:
    source: Source
    path: Path
    lines: list[str]  # a text export's lines; for other formats, the tables written out as text
    sha256: str
    reading: Reading | None = None  # the tables a format reader found (PDF, Word, Excel, HTML)

    @property
    def served_name(self) -> str:
        return served_name(self.source, self.sha256)


def served_name(source: Source, sha256: str) -> str:
    """Our copy of a document on the site: a fixed safe name, always plain text."""
    return f"{source.slug}-{source.year}-{sha256[:12]}.txt"


def _entry_line(seq: Any, n: int) -> int:
    try:
        return int(seq.lc.item(n)[0]) + 1 if isinstance(seq, CommentedSeq) else 0
    except (KeyError, IndexError, TypeError):
        return 0


def _key_line(node: Any, key: Any, default: int) -> int:
    try:
        return int(node.lc.key(key)[0]) + 1 if isinstance(node, CommentedMap) else default
    except (KeyError, TypeError):
        return default


@functools.lru_cache(maxsize=8)
def _parsed(text: str) -> Any:
    return YAML(typ="rt").load(text)


def parse_sources_text(text: str) -> Any:
    """The round-trip parse of a sources.yaml text (line numbers kept), a fresh copy each
    time: one `site` run reads the file in every stage, and ruamel takes 30 ms a parse."""
    return copy.deepcopy(_parsed(text))


def _read_yaml(paths: Paths, report: Report) -> Any:
    rel = paths.rel(paths.sources)
    try:
        return parse_sources_text(paths.sources.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.add("sources-missing", rel)
    except UnicodeDecodeError as exc:
        report.add("sources-yaml", rel, problem=f"不是 UTF-8 文本（{exc.reason}）")
    except YAMLError as exc:
        line, text = yaml_problem(exc)
        report.add("sources-yaml", rel, line, problem=text)
    return None


def load_sources(paths: Paths, report: Report) -> list[Source] | None:
    """Every valid entry of data/sources.yaml; None when the file itself cannot be read
    (then nothing may be rewritten from it: the published records stay as they are)."""
    data = _read_yaml(paths, report)
    rel = paths.rel(paths.sources)
    if data is None:
        return None
    entries = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        found = "空" if not data else type(data).__name__
        report.add("sources-shape", rel, 1, found=found)
        return None
    out: list[Source] = []
    for n, entry in enumerate(entries):
        line = _entry_line(entries, n)
        source = _entry(entry, line, rel, report)
        if source is not None and _consistent(source, out, rel, report):
            out.append(source)
    return out


def _entry(entry: Any, line: int, rel: str, report: Report) -> Source | None:
    if not isinstance(entry, dict):
        report.add("source-entry", rel, line, field="条目", problem=f"应为映射（file: …），实际为 {entry!r}")
        return None
    try:
        lines = {str(k): _key_line(entry, k, line) for k in entry}
        return Source.model_validate({**entry, "line": line, "key_lines": lines})
    except ValidationError as exc:
        for err in exc.errors():
            key = str(err["loc"][0]) if err["loc"] else "条目"
            what = "缺少此项" if err["type"] == "missing" else describe(err)
            near = difflib.get_close_matches(key, list(Source.model_fields), n=1, cutoff=0.6)
            if err["type"] == "extra_forbidden" and near:
                what += f"（是否应为 {near[0]}？）"
            report.add("source-entry", rel, _key_line(entry, key, line), field=key, problem=what)
        return None


def _consistent(source: Source, earlier: list[Source], rel: str, report: Report) -> bool:
    for other in earlier:
        if other.file == source.file:
            report.add("source-duplicate", rel, source.line, file=source.file, first_line=other.line)
            return False
        if other.slug == source.slug and other.region_key != source.region_key:
            report.add(
                "slug-conflict", rel, source.line, slug=source.slug, other=other.region, other_line=other.line
            )
            return False
        if other.region_key == source.region_key and other.slug != source.slug:
            report.add(
                "slug-inconsistent",
                rel,
                source.line,
                region=source.region,
                slug=source.slug,
                other=other.slug,
                other_line=other.line,
            )
            return False
    return True


def _unsupported_format(path: Path, data: bytes) -> str | None:
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return _BINARY_SUFFIXES.get(path.suffix.lower())


def _first_non_utf8_line(data: bytes) -> int:
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1
    return 1


def _text_cache(paths: Paths, sha: str) -> Path:
    """Where extract keeps the text rendering of a document a format reader read (PDF, Word,
    Excel, HTML), so generate serves it without reading the document again."""
    return paths.cache / "document-text" / f"{sha}.txt"


def served_text(paths: Paths, source: Source) -> tuple[str, list[str]] | None:
    """A document's SHA-256 and the text served for it: the decoded text export, or the text
    rendering extract cached; the document is read again only when no cache holds it."""
    path = paths.raw / source.file
    if not path.is_file():
        return None
    data = path.read_bytes()
    cached = _text_cache(paths, hashlib.sha256(data).hexdigest())
    if reader_for(path, data) is not None and cached.is_file():
        return cached.stem, cached.read_text(encoding="utf-8").split("\n")
    doc = read_document(paths, source, Report())  # its problems are extract's to report
    return (doc.sha256, doc.lines) if doc else None


def served_copy(paths: Paths, source: Source, store: Path, version: str) -> tuple[str, Path] | None:
    """A document's SHA-256 and a file in `store` holding the bytes served for it (a BOM and
    served_text's lines), named by the SHA-256 and `version` (the code's): made when missing,
    so the text is decoded once, and held by no process afterwards."""
    path = paths.raw / source.file
    if not path.is_file():
        return None
    sha = hashlib.sha256(path.read_bytes()).hexdigest()  # what served_text names the text by
    made = store / f"{sha}-{version}.txt"
    if made.is_file():
        return sha, made
    found = served_text(paths, source)
    if found is None:
        return None
    lines = found[1]
    store.mkdir(parents=True, exist_ok=True)
    part = made.with_name(f".{made.name}.{os.getpid()}")
    part.write_text("\ufeff" + "\n".join(lines), encoding="utf-8")
    os.replace(part, made)  # whole or not at all
    return sha, made


def read_document(paths: Paths, source: Source, report: Report) -> Document | None:
    """One listed document, decoded; None (and reported) when it cannot be read."""
    path = paths.raw / source.file
    rel = paths.rel(path)
    if not path.is_file():
        report.add("source-file-missing", paths.rel(paths.sources), source.line, file=source.file)
        return None
    data = path.read_bytes()
    if not data.strip():
        report.add("empty-document", rel)
        return None
    sha = hashlib.sha256(data).hexdigest()
    reader = reader_for(path, data)
    if reader is not None:
        reading = reader(path, source.file)
        for code, values in reading.findings:
            where = dict(values)
            report.add(code, rel, int(str(where.pop("line", 0))), **where)
        lines = as_text(reading)
        _text_cache(paths, sha).parent.mkdir(parents=True, exist_ok=True)
        _text_cache(paths, sha).write_text("\n".join(lines), encoding="utf-8")
        return Document(source, path, lines, sha, reading)
    fmt = _unsupported_format(path, data)
    if fmt:
        report.add("format-unsupported", rel, format=fmt)
        return None
    text, encoding, bad = decode_text(data)
    if encoding != "utf-8":
        report.add("not-utf8", rel, _first_non_utf8_line(data), encoding=encoding)
    for span in bad[:MAX_BAD_SPANS]:
        report.add("undecodable", rel, span.line, column=span.column, raw=span.raw.hex(" "))
    if len(bad) > MAX_BAD_SPANS:
        more = bad[MAX_BAD_SPANS]
        report.add(
            "undecodable", rel, more.line, column=more.column, raw=f"……等另外 {len(bad) - MAX_BAD_SPANS} 处"
        )
    return Document(source, path, text.split("\n"), sha)


def mentioned_files(paths: Paths) -> dict[str, int]:
    """File names any entry mentions, valid or not (those were reported already), with the
    line of the entry that first mentions each."""
    try:
        entries = parse_sources_text(paths.sources.read_text(encoding="utf-8")).get("sources") or []
        names = [(str(e.get("file")) if isinstance(e, dict) else str(e), n) for n, e in enumerate(entries)]
        return {name: _entry_line(entries, n) for name, n in reversed(names)}
    except (OSError, UnicodeDecodeError, YAMLError, AttributeError, TypeError):
        return {}


def unlisted_files(paths: Paths, sources: list[Source], report: Report) -> None:
    listed = {s.file for s in sources} | set(mentioned_files(paths))
    if not paths.raw.is_dir():
        return
    for path in sorted(paths.raw.iterdir()):
        if path.is_file() and path.name not in listed and not path.name.startswith("."):
            report.add("unlisted-source", paths.rel(path))


def read_documents(paths: Paths, sources: list[Source], report: Report) -> list[Document]:
    """Every listed file that exists and decodes; files in data/raw/ without an entry are reported."""
    unlisted_files(paths, sources, report)
    docs = [read_document(paths, s, report) for s in sources]
    return [d for d in docs if d is not None]
