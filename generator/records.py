"""Stage 3: project records on disk (data/records/<project_id>.yaml) and their ids.

Every stage reads records through `load_records`: each file through the Record model,
a file that fails reported with its line and field, skipped and counted, never a
traceback. The fast path reads with PyYAML's C loader; only a file that fails is
read again with ruamel to find the line of the bad field.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic_core
import yaml
from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator.model import Record, safe_code
from generator.parse_cache import ParseCache
from generator.paths import Paths
from generator.problems import Report
from generator.schema_errors import describe, dotted, error_code, field_path, line_of, yaml_problem
from generator.sharing import Shared, share_common

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

    `slugs` maps a record's source file to its region's slug. The hash is over what
    identifies a project (department, unit, name); only when two projects share all of
    that does their content enter it, so an id depends neither on line numbers nor on
    file order. Projects identical in content too get -2, -3 … (duplicate submissions).
    """
    groups: dict[tuple[object, ...], list[Record]] = defaultdict(list)
    for rec in records:
        groups[_identity(rec)].append(rec)
    for key, group in groups.items():
        seen: dict[str, int] = defaultdict(int)
        for rec in sorted(group, key=lambda r: repr(_content(r))):
            extra = repr(_content(rec)) if len(group) > 1 else ""
            slug = slugs[rec.source.file]
            base = f"{rec.year}-{slug}-{safe_code(rec.department_code)}-{_digest(*key, extra)}"
            seen[base] += 1
            rec.project_id = base if seen[base] == 1 else f"{base}-{seen[base]}"


# ---------------------------------------------------------------- YAML


def _yaml() -> YAML:
    out = YAML(typ="rt")
    out.width = 4096  # never fold long Chinese lines: diffs stay one line per field
    out.allow_unicode = True
    out.indent(mapping=2, sequence=4, offset=2)
    out.representer.add_representer(
        type(None), lambda r, _d: r.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return out


def dump_record(data: dict[str, Any]) -> str:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    return buf.getvalue()


def load_yaml(path: Path) -> Any:
    """A YAML file as ruamel's round-trip data (keeps line numbers)."""
    return YAML(typ="rt").load(path.read_text(encoding="utf-8"))


def _dumps_cache(paths: Paths) -> Path:
    return paths.cache / "record-yaml.json"


def dump_records(paths: Paths, records: dict[str, dict[str, Any] | str]) -> dict[str, str]:
    """Each record as YAML text. Dumping with ruamel is slow (tens of ms a record), so the
    text is cached by the record's content: an unchanged record is not dumped again."""
    try:
        cached: dict[str, str] = json.loads(_dumps_cache(paths).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cached = {}
    used: dict[str, str] = {}
    out: dict[str, str] = {}
    for pid in sorted(records):
        rec = records[pid]
        if isinstance(rec, str):
            out[pid] = rec
            continue
        # pydantic-core's encoder, 5x the standard library's: a record holds JSON's types only
        key = hashlib.sha256(pydantic_core.to_json(rec, fallback=repr)).hexdigest()
        text = used[key] = cached.get(key) or dump_record(rec)
        out[pid] = text
    if used != cached:
        _dumps_cache(paths).parent.mkdir(parents=True, exist_ok=True)
        tmp = _dumps_cache(paths).with_suffix(".tmp")
        tmp.write_bytes(pydantic_core.to_json(used))
        os.replace(tmp, _dumps_cache(paths))
    return out


def _changed(directory: Path, texts: dict[str, str]) -> tuple[dict[str, str], list[Path]]:
    """The records whose file is missing or differs, and the files no record is written to."""
    on_disk = {p.name: p for p in directory.glob("*.yaml")}
    stale = [p for name, p in sorted(on_disk.items()) if name.removesuffix(".yaml") not in texts]
    changed = {
        pid: text
        for pid, text in texts.items()
        if f"{pid}.yaml" not in on_disk or on_disk[f"{pid}.yaml"].read_text(encoding="utf-8") != text
    }
    return changed, stale


def write_records(paths: Paths, records: dict[str, dict[str, Any] | str]) -> bool:
    """Write the records into data/records/: a first run into a fresh directory swapped in
    whole; then only the files that differ, each written beside itself and renamed over
    it (never half a file), and the files of records that are gone removed. A record given
    as text (one kept as published) is written as it is. Returns whether anything changed."""
    texts = dump_records(paths, records)
    if paths.records.is_dir():
        for part in paths.records.glob(".*.yaml.*"):  # left by a run that was killed
            part.unlink()
        changed, stale = _changed(paths.records, texts)
        for pid, text in changed.items():
            part = paths.records / f".{pid}.yaml.{os.getpid()}"
            part.write_text(text, encoding="utf-8")
            os.replace(part, paths.records / f"{pid}.yaml")
        for path in stale:
            path.unlink()
        return bool(changed or stale)
    paths.records.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".records-", dir=paths.records.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private
    try:
        for pid, text in texts.items():
            (tmp / f"{pid}.yaml").write_text(text, encoding="utf-8")
        os.replace(tmp, paths.records)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return True


# ---------------------------------------------------------------- reading


@dataclass
class Loaded:
    records: list[Record] = field(default_factory=list)
    files: int = 0  # record files read
    skipped: list[str] = field(default_factory=list)  # files not published, each reported


def missing_keys(model: type[BaseModel], data: Any, path: list[str | int]) -> list[list[str | int]]:
    """Fields a record file must write but lacks (the model has defaults for building records
    field by field; a file on disk is complete, so a lost `funds:` is an error, not a default)."""
    if not isinstance(data, dict):
        return []
    out: list[list[str | int]] = []
    optional: frozenset[str] = getattr(model, "OPTIONAL", frozenset())
    for name, sub in _fields(model):
        if name not in data:
            if name not in optional:
                out.append([*path, name])
            continue
        if sub is not None:
            value = data[name]
            items = enumerate(value) if isinstance(value, list) else [(None, value)]
            for i, item in items:
                out += missing_keys(sub, item, [*path, name] if i is None else [*path, name, i])
    return out


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, type[BaseModel] | None], ...]:
    """A model's fields, each with the model it holds (once per model: 100,000 calls a load)."""
    return tuple((name, _submodel(info.annotation)) for name, info in model.__pydantic_fields__.items())


def _submodel(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (directly, in a list, or optional)."""
    from typing import get_args

    candidates = [annotation, *get_args(annotation)]
    for c in candidates:
        if isinstance(c, type) and issubclass(c, BaseModel):
            return c
        for arg in get_args(c):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    return None


def check_record(data: Any, rel: str, report: Report, text: str | None = None) -> Record | None:
    """One record's data through the model; every problem reported with its line."""
    if not isinstance(data, dict):
        report.add("not-a-record", rel, 1)
        return None
    problems = [(p, "missing-field", "缺少此项") for p in missing_keys(Record, data, [])]
    record = None
    try:
        record = Record.model_validate(data)
    except ValidationError as exc:
        problems += [(field_path(e), error_code(e), describe(e)) for e in exc.errors()]
    if not problems:
        return record
    tree = _ruamel(text) if text is not None else None
    for path, code, what in problems:
        line = line_of(tree, path) if tree is not None else 0
        value = _value_at(data, path)
        report.add(code, rel, line, field=dotted(path), problem=what, value=repr(value)[:80])
    return None


def _value_at(data: Any, path: list[str | int]) -> Any:
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _ruamel(text: str) -> Any:
    try:
        return YAML(typ="rt").load(text)
    except YAMLError:
        return None


def parse_yaml(text: str) -> Any:
    """The YAML of a record file as data; raises yaml.YAMLError."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _parsed_or_error(text: str) -> tuple[bool, Any]:
    try:
        return True, parse_yaml(text)
    except yaml.YAMLError:
        return False, None


LOAD_BATCH = 5_000  # record files read, parsed and checked together
POOL_FROM = 2_000  # record files to parse: below this one process is faster than a pool


def load_record_file(
    path: Path,
    paths: Paths,
    report: Report,
    text: str | None = None,
    parsed: tuple[bool, Any] | None = None,
    rel: str | None = None,
) -> Record | None:
    """The record of a file, or None with its problems reported. `rel`: the file as
    messages name it, when the caller knows it (paths.rel resolves the path: 0.1 ms)."""
    rel = rel if rel is not None else paths.rel(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            report.add("broken-yaml", rel, problem="不是 UTF-8 文本")
            return None
    ok, data = parsed if parsed is not None else _parsed_or_error(text)
    if not ok:
        try:
            YAML(typ="rt").load(text)  # ruamel's messages point where the broken construct starts
        except YAMLError as exc:
            line, problem = yaml_problem(exc)
            report.add("broken-yaml", rel, line, problem=problem)
            return None
        report.add("broken-yaml", rel, problem="PyYAML 无法读取")
        return None
    record = check_record(data, rel, report, text)
    if record is not None and record.project_id != path.stem:
        report.add("id-filename", rel, line_of(_ruamel(text), ["project_id"]), project_id=record.project_id)
        return None
    return record


def _texts(files: list[Path], paths: Paths, report: Report) -> dict[Path, str]:
    texts = {}
    for path in files:
        try:
            texts[path] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            report.add("broken-yaml", paths.rel(path), problem="不是 UTF-8 文本")
    return texts


def _parse_all(texts: dict[Path, str], cache: ParseCache) -> Iterator[tuple[bool, Any]]:
    """Each text's parse, in the texts' order: from the cache, else YAML (in a process pool
    when there are many). Yielded as they come: the caller checks each record while the
    pool parses the next ones. The new parses are cached when all have been yielded."""
    keys = {path: cache.key(text) for path, text in texts.items()}
    cached = cache.get_many(list(keys.values()))
    missing = [path for path, key in keys.items() if key not in cached]
    workers = os.cpu_count() or 1
    with ExitStack() as stack:
        if len(missing) >= POOL_FROM and workers > 1:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers))
            fresh = pool.map(_parsed_or_error, [texts[p] for p in missing], chunksize=64)
        else:
            fresh = map(_parsed_or_error, (texts[p] for p in missing))
        new: dict[str, Any] = {}
        for key in keys.values():
            if key in cached:
                yield True, cached[key]
                continue
            ok, data = next(fresh)
            if ok:
                new[key] = data
            yield ok, data
    cache.put_many(new)


def load_records(paths: Paths, report: Report) -> Loaded:
    """Every record of data/records/ that passes the model, sorted by id."""
    files = sorted(paths.records.glob("*.yaml")) if paths.records.is_dir() else []
    out = Loaded(files=len(files))
    for other in sorted(paths.records.iterdir()) if paths.records.is_dir() else []:
        if other.suffix != ".yaml" and not other.name.startswith("."):
            report.add("record-ignored", paths.rel(other))
    if not files:
        report.add("no-records", paths.rel(paths.records))
    cache = ParseCache(paths)
    folder = paths.rel(paths.records)  # every file's folder, as messages name it
    shared = Shared()  # what the records share (share_common): dropped when all are loaded
    # a batch at a time: the texts and parses of one batch are dropped before the next,
    # so memory holds the records, not every file's text and parse as well
    for start in range(0, len(files), LOAD_BATCH):
        batch = files[start : start + LOAD_BATCH]
        texts = _texts(batch, paths, report)
        parsed = _parse_all(texts, cache)  # in the order of texts: the batch's readable files
        for path in batch:
            record = None
            if path in texts:
                rel = f"{folder}/{path.name}"
                record = load_record_file(path, paths, report, texts[path], next(parsed), rel)
            if record is None:
                out.skipped.append(f"{folder}/{path.name}")
            else:
                share_common(record, shared)
                out.records.append(record)
        for _ in parsed:  # its end: the batch's new parses are cached
            pass
    cache.prune()
    cache.close()
    return out
