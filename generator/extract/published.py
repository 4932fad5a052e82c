"""What is already published: the records in data/records/, by region and slug.

A region's slug is part of every project id and URL, so once records are published
under it, a changed slug in data/sources.yaml is refused: the error names the ids it
would break, and the region's published records are kept as they are.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from generator.paths import Paths
from generator.problems import Report
from generator.sources import Source

_KEY = re.compile(r"^(province|region): (.*)$", re.M)
_FILE = re.compile(r"^source:\n  file: (.*)$", re.M)
_ID = re.compile(r"^\d{4}-(?P<slug>[a-z0-9-]+)-[a-z0-9]+-[0-9a-f]{10}(?:-[a-z0-9]+)?$")


@dataclass
class Published:
    slug: str
    ids: list[str] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # id -> the record file as written

    def of_file(self, file: str) -> dict[str, str]:
        """The records extracted from one document."""
        return {pid: text for pid, text in self.texts.items() if source_file(text) == file}


def source_file(text: str) -> str:
    """The document a record file was extracted from (read without parsing the record)."""
    m = _FILE.search(text)
    return m.group(1).strip().strip("'\"") if m else ""


def _head(text: str) -> dict[str, str]:
    """province and region from a record's first lines, without parsing the whole file."""
    head = text[:2000]
    return {m.group(1): m.group(2).strip().strip("'\"") for m in _KEY.finditer(head)}


def published_regions(paths: Paths) -> dict[tuple[str, str], Published]:
    out: dict[tuple[str, str], Published] = {}
    if not paths.records.is_dir():
        return out
    by_region: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for path in sorted(paths.records.glob("*.yaml")):
        text = path.read_text(encoding="utf-8", errors="replace")
        head = _head(text)
        if "region" in head:
            by_region[(head.get("province", ""), head["region"])].append((path.stem, text))
    for key, items in by_region.items():
        slugs = {m.group("slug") for pid, _ in items if (m := _ID.match(pid))}
        if len(slugs) == 1:
            out[key] = Published(slugs.pop(), [pid for pid, _ in items], dict(items))
    return out


def keep_unread(
    published: dict[tuple[str, str], Published], files: dict[str, int], paths: Paths, report: Report
) -> dict[str, str]:
    """The published records of documents listed in data/sources.yaml (file -> entry line)
    that gave no record this time, kept as they are: a broken file or a broken entry must
    not silently take its projects off the site."""
    kept: dict[str, str] = {}
    for file, line in sorted(files.items()):
        texts = {pid: t for old in published.values() for pid, t in old.of_file(file).items()}
        if texts:
            report.add("records-kept", paths.rel(paths.sources), line, file=file, count=len(texts))
            kept.update(texts)
    return kept


def check_slugs(
    published: dict[tuple[str, str], Published], paths: Paths, sources: list[Source], report: Report
) -> tuple[list[Source], dict[str, str]]:
    """The sources whose slug agrees with what is published, and the published record
    texts to keep for each region whose slug change was refused."""
    accepted: list[Source] = []
    kept: dict[str, str] = {}
    for source in sources:
        old = published.get(source.region_key)
        if old is None or old.slug == source.slug:
            accepted.append(source)
            continue
        examples = "、".join(old.ids[:3]) + ("……" if len(old.ids) > 3 else "")
        report.add(
            "slug-changed",
            paths.rel(paths.sources),
            source.key_lines.get("slug", source.line),
            region=source.region,
            count=len(old.ids),
            old=old.slug,
            slug=source.slug,
            examples=examples,
        )
        kept.update(old.texts)
    return accepted, kept
