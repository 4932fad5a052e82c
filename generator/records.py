"""Stage 3: project records on disk (data/records/<project_id>.yaml), their ids,
and the maintainers' corrections (data/corrections/<project_id>.yaml)."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator.model import Record
from generator.paths import Paths
from generator.problems import ERROR, WARNING, Report

# ---------------------------------------------------------------- ids


def _digest(*parts: object) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]


def _identity(rec: Record) -> tuple[object, ...]:
    return (rec.year, rec.region, rec.department_code, rec.unit_name, rec.project_name)


def _content(rec: Record) -> tuple[object, ...]:
    """What tells apart two projects of one name, department and unit: amounts first,
    then the printed texts (not the indicators, whose parsing is the likeliest to be
    improved, so that an extractor fix does not move an id)."""
    return (
        rec.funds.annual.total,
        rec.funds.period.total,
        rec.overview,
        rec.basis,
        rec.goal_period,
        rec.goal_annual,
    )


def assign_ids(records: list[Record], slugs: dict[str, str]) -> None:
    """Give every record a stable, URL-safe id: year-slug-department-hash.

    The hash is over what identifies a project (department, unit, name); only
    when two projects share all of that does their content (amounts, indicators,
    texts) enter it, so an id depends neither on line numbers nor on file order.
    Projects identical in content too get -2, -3 … (they are duplicate submissions).
    """
    groups: dict[tuple[object, ...], list[Record]] = defaultdict(list)
    for rec in records:
        groups[_identity(rec)].append(rec)
    for key, group in groups.items():
        seen: dict[str, int] = defaultdict(int)
        for rec in sorted(group, key=lambda r: repr(_content(r))):
            extra = repr(_content(rec)) if len(group) > 1 else ""
            slug = slugs.get(rec.region, "x")
            base = f"{rec.year}-{slug}-{rec.department_code or '0'}-{_digest(*key, extra)}"
            seen[base] += 1
            rec.project_id = base if seen[base] == 1 else f"{base}-{seen[base]}"


# ---------------------------------------------------------------- YAML


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.width = 4096  # never fold long Chinese lines: diffs stay one line per field
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(
        type(None), lambda r, _d: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def dump_record(data: dict[str, Any]) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def load_yaml(path: Path) -> Any:
    return YAML(typ="rt").load(path.read_text(encoding="utf-8"))


def write_records(paths: Paths, records: dict[str, dict[str, Any]]) -> None:
    """Write every record into a fresh directory and swap it in: no half-written state."""
    paths.records.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".records-", dir=paths.records.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private
    try:
        for pid in sorted(records):
            (tmp / f"{pid}.yaml").write_text(dump_record(records[pid]), encoding="utf-8")
        old = paths.records.with_name(".records-old")
        if old.exists():
            shutil.rmtree(old)
        if paths.records.exists():
            os.replace(paths.records, old)
        os.replace(tmp, paths.records)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


# ---------------------------------------------------------------- corrections


def _walk(data: Any, path: str) -> tuple[Any, str | int]:
    """The container holding `path`'s last part, and that part: "indicators.3.value"."""
    parts = path.split(".")
    node = data
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    return node, int(last) if isinstance(node, list) else last


def apply_corrections(paths: Paths, records: dict[str, dict[str, Any]], report: Report) -> int:
    """Overlay data/corrections/*.yaml onto the extracted records; return how many applied.

    A correction file names a project and sets fields by path:

        project_id: 2024-xiangyuan-001-1a2b3c4d5e
        reason: the PDF wrapped the name into the value
        set:
          indicators.3.name: 促进县委各项工作高效有序运转
        expect:                       # optional: what the extractor gave when this was written
          indicators.3.name: 促进县委各项工作

    When `expect` no longer matches the fresh extraction the correction is still
    applied but reported, so a maintainer can see the extractor changed under it.
    """
    applied = 0
    if not paths.corrections.is_dir():
        return 0
    for path in sorted(paths.corrections.glob("*.yaml")):
        rel = paths.rel(path)
        try:
            corr = load_yaml(path) or {}
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            report.add(
                rel,
                mark.line + 1 if mark else 0,
                "correction-yaml",
                ERROR,
                f"not valid YAML: {getattr(exc, 'problem', exc)}",
                "fix the syntax; it was not applied",
            )
            continue
        pid = str(corr.get("project_id") or "")
        if pid not in records:
            report.add(
                rel,
                1,
                "correction-unknown-project",
                ERROR,
                f"no extracted project has id {pid!r}; correction not applied",
                "the project may have been renamed or removed from data/raw/",
            )
            continue
        rec = records[pid]
        for field, expected in (corr.get("expect") or {}).items():
            try:
                node, key = _walk(rec, str(field))
                current = node[key]
            except (KeyError, IndexError, ValueError, TypeError):
                current = None
            if current != expected:
                line = corr["expect"].lc.key(field)[0] + 1
                report.add(
                    rel,
                    line,
                    "correction-stale",
                    WARNING,
                    f"{field}: extractor now gives {current!r}, correction expected {expected!r}",
                    "check the correction is still needed, then update or delete its expect:",
                )
        for field, value in (corr.get("set") or {}).items():
            line = corr["set"].lc.key(field)[0] + 1
            try:
                node, key = _walk(rec, str(field))
                node[key] = _plain(value)
            except (KeyError, IndexError, ValueError, TypeError):
                report.add(
                    rel,
                    line,
                    "correction-path",
                    ERROR,
                    f"{field}: no such field in {pid}",
                    "use dotted paths like funds.annual.local or indicators.3.value",
                )
                continue
            rec["corrected_fields"] = sorted(set(rec["corrected_fields"]) | {str(field)})
            applied += 1
    return applied


def _plain(value: Any) -> Any:
    """ruamel's round-trip types as plain Python, so the record dumps the same way."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    return value
