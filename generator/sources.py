"""Stage 1: the published documents in data/raw/ and their entries in data/sources.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator.paths import Paths
from generator.problems import ERROR, WARNING, Report

REQUIRED_KEYS: tuple[str, ...] = ("file", "province", "region", "slug", "year", "publisher", "title")


@dataclass(frozen=True)
class Source:
    file: str
    province: str
    prefecture: str
    region: str
    slug: str
    year: int
    publisher: str
    title: str
    url: str = ""


@dataclass(frozen=True)
class Document:
    source: Source
    path: Path
    lines: list[str]


def load_sources(paths: Paths, report: Report) -> list[Source]:
    """Read data/sources.yaml; a bad entry is reported with its line and skipped."""
    rel = paths.rel(paths.sources)
    try:
        data = YAML(typ="rt").load(paths.sources.read_text(encoding="utf-8"))
    except FileNotFoundError:
        report.add(
            rel,
            0,
            "sources-missing",
            ERROR,
            "data/sources.yaml does not exist",
            "create it with one entry per file in data/raw/ (see README)",
        )
        return []
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        report.add(
            rel,
            line,
            "sources-yaml",
            ERROR,
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            "fix the YAML syntax at that line",
        )
        return []
    entries = (data or {}).get("sources") or []
    out: list[Source] = []
    for entry in entries:
        line = entry.lc.line + 1 if hasattr(entry, "lc") else 0
        missing = [k for k in REQUIRED_KEYS if not entry.get(k)]
        if missing:
            report.add(
                rel,
                line,
                "source-entry",
                ERROR,
                f"entry lacks {', '.join(missing)}",
                f"every entry needs {', '.join(REQUIRED_KEYS)}",
            )
            continue
        out.append(
            Source(
                file=str(entry["file"]),
                province=str(entry["province"]),
                prefecture=str(entry.get("prefecture") or ""),
                region=str(entry["region"]),
                slug=str(entry["slug"]),
                year=int(entry["year"]),
                publisher=str(entry["publisher"]),
                title=str(entry["title"]),
                url=str(entry.get("url") or ""),
            )
        )
    return out


def decode(data: bytes, rel: str, report: Report) -> str | None:
    """UTF-8 (with or without BOM); GB18030 (a superset of GBK) with a warning; else None."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            report.add(
                rel,
                line,
                "undecodable",
                ERROR,
                "file is neither UTF-8 nor GBK/GB18030 text (first bad byte on this line)",
                "is this the published text export? convert it to UTF-8 and extract again",
            )
            return None
        report.add(
            rel,
            line,
            "not-utf8",
            WARNING,
            "file is not UTF-8 (first non-UTF-8 byte on this line); read it as GBK/GB18030",
            "convert it to UTF-8 (iconv -f GB18030 -t UTF-8) so every tool reads it the same",
        )
        return text


def read_documents(paths: Paths, sources: list[Source], report: Report) -> list[Document]:
    """Every listed file that exists and decodes; files in data/raw/ without an entry are reported."""
    listed = {s.file for s in sources}
    if paths.raw.is_dir():
        for path in sorted(paths.raw.iterdir()):
            if path.is_file() and path.name not in listed and not path.name.startswith("."):
                report.add(
                    paths.rel(path),
                    0,
                    "unlisted-source",
                    ERROR,
                    "file in data/raw/ has no entry in data/sources.yaml, so it was not extracted",
                    "add an entry (province, region, slug, year, publisher, title) for it",
                )
    docs: list[Document] = []
    for source in sources:
        path = paths.raw / source.file
        rel = paths.rel(path)
        if not path.is_file():
            report.add(
                paths.rel(paths.sources),
                0,
                "source-file-missing",
                ERROR,
                f"{source.file} is listed but not in data/raw/",
                "add the file or remove the entry",
            )
            continue
        data = path.read_bytes()
        if not data.strip():
            report.add(
                rel,
                0,
                "empty-file",
                ERROR,
                "file is empty: no table to extract",
                "replace it with the published document",
            )
            continue
        text = decode(data, rel, report)
        if text is not None:
            docs.append(Document(source, path, text.split("\n")))
    return docs
