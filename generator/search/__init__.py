"""Stage: search. Records -> one whoosh index (engine.py) -> the command line and a
browser index split into small files.

Browser index (content/search/, copied into site/search/):
    meta.json        shard count, chunk size, facet labels (regions, departments, fund sources)
    t/<n>.json       {gram: [doc, score, doc, score, …]} for the grams hashing to shard n
                     (FNV-1a of the UTF-8 gram, mod the shard count); a gram's list is cut to
                     its best TOP postings and then marked {"p": [...], "cut": df}
    d/<n>.json       display fields of documents n*CHUNK … n*CHUNK+CHUNK-1
A query fetches meta.json once, one shard per distinct gram, and the document chunks
of the results it shows: its cost does not grow with the corpus, only with the query.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import pydantic_core

from generator.corpus import Corpus, Department, annual_total
from generator.mirror import Mirror
from generator.model import FUND_SOURCES, Record
from generator.search import analysis, engine, postings

BUCKETS = 16  # the postings are merged a bucket of grams at a time: memory is 1/BUCKETS of all
CHUNK = 16  # documents per display chunk: results rarely share one, so keep them small
TOP = 1000  # postings kept for a gram; rarer grams keep them all
SHARD_BYTES = 8_000  # aimed size of a gram shard: a query fetches one per gram
FUND_KEYS = [k for k, _ in FUND_SOURCES]
KIND_CODES = {"project": "p", "department": "d", "page": "g"}  # search.js: KINDS
PAGES = (  # hand-written and fixed pages that search should also find
    ("about.md", "about/"),
    ("methodology.md", "methodology/"),
    ("glossary.md", "glossary/"),
)
FIXED_PAGES = (
    ("quality", "数据质量", "每一类质量提示的含义、各地区各部门的数量和涉及的项目", "quality/"),
    ("downloads", "数据下载", "CSV Excel JSON 数据包 下载 数据字典 datapackage", "downloads/"),
)


@dataclass
class SearchOutcome:
    documents: int
    browser_files: int
    browser_bytes: int


def _project_doc(p: Record, title: str, dept_key: str, dept_name: str) -> engine.Doc:
    annual = p.funds.annual
    inds = " ".join(dict.fromkeys(i.name for i in p.indicators))
    texts = " ".join((p.overview, p.goal_period, p.goal_annual, p.basis, p.plan))
    return engine.Doc(
        id=p.project_id,
        kind="project",
        title=title,
        org=f"{p.department_name} {p.unit_name} {p.region}",
        # the name as printed too, when the title is the budget table's (an OCR misreading)
        body=f"{p.project_name if p.project_name not in title else ''} {inds} {texts}",
        topic=f"{p.project_name} {inds}",
        region=p.region,
        department=dept_key,
        department_name=dept_name,
        unit=p.unit_name,
        sources=tuple(k for k in FUND_KEYS if getattr(annual, k)),
        attribute=p.attribute,
        year=p.year or 0,
        amount=annual_total(p),
        url=f"projects/{p.project_id}/",
        ids=f"{p.project_id} {p.project_code}",
    )


def _page_text(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8")
    m = re.search(r"^# (.+)$", text, flags=re.M)
    return (m.group(1).strip() if m else path.stem), re.sub(r"[#*`>\[\]()|:-]", " ", text)


def _page_doc(key: str, title: str, body: str, url: str) -> engine.Doc:
    return engine.Doc(
        id=f"page:{key}",
        kind="page",
        title=title,
        org="",
        body=body,
        topic=title,
        region="",
        department="",
        department_name="",
        unit="",
        sources=(),
        attribute="",
        year=0,
        amount=0.0,
        url=url,
    )


def region_documents(corpus: Corpus, departments: list[Department] | None = None) -> list[engine.Doc]:
    """Departments and their projects as search documents: these (a shard's) or all."""
    depts = corpus.departments if departments is None else departments
    docs = [_project_doc(p, corpus.title(p), d.key, d.name) for d in depts for p in d.projects]
    for d in depts:
        names = " ".join(p.project_name for p in d.projects[:50])
        docs.append(
            engine.Doc(
                id=f"department:{d.key}",
                kind="department",
                title=d.name,
                org=f"{d.name} {d.region.name}",
                body=names,
                topic=d.name,
                region=d.region.name,
                department=d.key,
                department_name=d.name,
                unit="",
                sources=(),
                attribute="",
                year=0,
                amount=d.annual_total,
                url=f"departments/{d.key}/",
            )
        )
    return docs


def bucket(term: str) -> int:
    """Which of the BUCKETS a gram is merged in (CRC-32: computed in C, the same in every process)."""
    return zlib.crc32(term.encode("utf-8")) % BUCKETS


def split_weights(docs: Iterable[engine.Doc]) -> list[dict[str, dict[str, float]]]:
    """The documents' weights per gram (postings.doc_weights), by bucket: [bucket][document id]
    [gram] = weight."""
    out: list[dict[str, dict[str, float]]] = [{} for _ in range(BUCKETS)]
    for doc in docs:
        for term, weight in postings.doc_weights(doc).items():
            out[bucket(term)].setdefault(doc.id, {})[term] = weight
    return out


def shard_weights(corpus: Corpus, departments: list[Department]) -> list[dict[str, dict[str, float]]]:
    """The weights of a shard's documents (its departments and their projects), by bucket:
    the expensive part of the index, done by the shard's task."""
    return split_weights(region_documents(corpus, departments))


def documents(corpus: Corpus, content: Path) -> list[engine.Doc]:
    docs = region_documents(corpus)
    for name, url in PAGES:
        if (content / name).is_file():
            title, body = _page_text(content / name)
            docs.append(_page_doc(name, title, body, url))
    docs.extend(_page_doc(key, title, body, url) for key, title, body, url in FIXED_PAGES)
    return sorted(docs, key=lambda d: (d.kind != "project", d.id))


def fnv1a(text: str) -> int:
    """32-bit FNV-1a of the UTF-8 bytes; search.js computes the same."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def shard_count(total_bytes: int) -> int:
    """A power of two giving gram shards of about SHARD_BYTES."""
    n = 16
    while n * SHARD_BYTES < total_bytes:
        n *= 2
    return n


def _json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_json(plist: list[tuple[int, float]]) -> str:
    """A gram's postings as its shard file holds them: [doc, score × 100, …], its best TOP
    (then marked {"p": [...], "cut": df})."""
    # the JSON of integers, joined by hand: json.dumps would give the same text, slower
    flat = ",".join(f"{d},{max(1, round(s * 100))}" for d, s in plist[:TOP])
    return f"[{flat}]" if len(plist) <= TOP else f'{{"p":[{flat}],"cut":{len(plist)}}}'


def write_browser_index(
    docs: list[dict[str, Any]],
    postings: dict[str, list[tuple[int, float]]],
    out: Path,
    corpus: Corpus,
    store: Path | None = None,
) -> tuple[int, int]:
    """Write the gram postings and display fields (postings.postings, or the whoosh
    index's readers.export_postings: the same); returns (files, bytes)."""
    return write_index_entries(
        docs, {term: entry_json(plist) for term, plist in postings.items()}, out, corpus, store
    )


def write_index_entries(
    docs: list[dict[str, Any]], entries: dict[str, str], out: Path, corpus: Corpus, store: Path | None = None
) -> tuple[int, int]:
    """Write the grams' entries (entry_json) in shard files, and the display fields. With
    `store` (a generator.mirror.Mirror's folder), a file as it was at the last run is
    linked from there, not created again: after one correction most are. `entries` is
    emptied as its entries go into the shard files (the index is not held twice)."""
    shutil.rmtree(out, ignore_errors=True)
    (out / "t").mkdir(parents=True)
    (out / "d").mkdir()
    regions = [r.name for r in corpus.regions]
    region_no = {name: n for n, name in reversed(list(enumerate(regions)))}  # the first, as list.index
    total = sum(len(v) + 3 * len(k) + 4 for k, v in entries.items())
    n_shards = shard_count(total)
    shards: dict[int, list[str]] = {}
    for term in sorted(entries):
        shards.setdefault(fnv1a(term) % n_shards, []).append(
            f"{encode_basestring(term)}:{entries.pop(term)}"  # json.dumps(term, ensure_ascii=False), in C
        )
    files, size = 0, 0
    mirror = Mirror(out, store)
    for n, parts in sorted(shards.items()):
        size += mirror.put(f"t/{n}.json", ("{" + ",".join(parts) + "}").encode("utf-8"))
        files += 1
    for start in range(0, len(docs), CHUNK):
        rows = [
            [
                f["title"],
                KIND_CODES[f["kind"]],
                f["url"],
                region_no.get(f["region"], -1),
                f.get("department_name", ""),
                f.get("department", ""),
                round(f.get("amount") or 0),
                [FUND_KEYS.index(s) for s in (f.get("sources") or "").split(",") if s],
            ]
            for f in docs[start : start + CHUNK]
        ]
        size += mirror.put(f"d/{start // CHUNK}.json", _json_bytes(rows))
        files += 1
    meta = {
        "shards": n_shards,
        "chunk": CHUNK,
        "docs": len(docs),
        "regions": regions,
        "departments": [[d.key, d.name, region_no[d.region.name]] for d in corpus.departments],
        "sources": [label for _, label in FUND_SOURCES],
    }
    size += mirror.put("meta.json", _json_bytes(meta))
    # the query analysis's tables, for search.js (analysis.normalise and analysis.variants)
    size += mirror.put("fold.json", _json_bytes(analysis.fold_table()))
    abbreviations = {"forms": analysis.abbreviations(), "bodies": sorted(analysis.bodies())}
    size += mirror.put("abbreviations.json", _json_bytes(abbreviations))
    mirror.prune()
    return files + 3, size


Merge = Callable[[dict[str, int], int, list[dict[str, dict[str, float]]]], dict[str, str]]


def run_search_index(
    corpus: Corpus,
    docs_file: Path,
    content: Path,
    workers: int | None = None,
    merge: Merge | None = None,
    store: Path | None = None,
) -> SearchOutcome:
    """The browser index (content/search/), straight from the documents; and the documents
    with the jieba dictionary in `docs_file`, from which `budget-site search` builds the
    command line's whoosh index when they changed (ensure_cli_index). `merge(index,
    n_docs, pages)`: every gram's entry, from the shard tasks' weights (shard_weights) and
    the pages' (split by bucket), bucket by bucket (search.merge.merge_parts). `store`: the
    mirror of the index's files (write_index_entries)."""
    docs = documents(corpus, content)
    write_listing(docs_file, analysis.harvest_dictionary(corpus.projects), docs)
    n_docs = len(docs)
    if merge is None:
        stored, found = postings.postings(docs, workers)
        files, size = write_browser_index(stored, found, content / "search", corpus, store)
    else:
        index = {d.id: n for n, d in enumerate(docs)}
        pages = split_weights(d for d in docs if d.kind == "page")  # the shards weigh the rest
        stored = [postings.stored(d) for d in docs]
        del docs  # the texts (a record's worth each) are not held while the entries are merged
        entries = merge(index, n_docs, pages)
        files, size = write_index_entries(stored, entries, content / "search", corpus, store)
    return SearchOutcome(n_docs, files, size)


def write_listing(docs_file: Path, dictionary: Any, docs: list[engine.Doc]) -> None:
    """{"dictionary": …, "docs": [...]} for ensure_cli_index, written a document at a time
    (at 100× the whole text would be a gigabyte in memory), and the SHA-256 of its bytes."""
    docs_file.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with docs_file.open("wb") as out:

        def put(data: bytes) -> None:
            out.write(data)
            digest.update(data)

        put(b'{"dictionary": ' + pydantic_core.to_json(dictionary) + b', "docs": [')
        for n, doc in enumerate(docs):  # a dataclass, by pydantic-core: 6x dataclasses.asdict and json
            put((b"," if n else b"") + pydantic_core.to_json(doc))
        put(b"]}")
    docs_file.with_suffix(".digest").write_text(digest.hexdigest())


def ensure_cli_index(docs_file: Path, index_dir: Path, building: Callable[[int], None] | None = None) -> bool:
    """Build the whoosh index from the documents of the last generate unless it was built
    from these very documents (their digest); False when generate never listed any."""
    try:
        digest = docs_file.with_suffix(".digest").read_text()
    except OSError:
        return engine.index_exists(index_dir)
    stamp = index_dir / "docs-digest"
    if engine.index_exists(index_dir) and stamp.is_file() and stamp.read_text() == digest:
        return True
    listing = json.loads(docs_file.read_text(encoding="utf-8"))
    docs = [engine.Doc(**{**d, "sources": tuple(d["sources"])}) for d in listing["docs"]]
    if building:
        building(len(docs))
    engine.build_index(docs, index_dir, listing["dictionary"])
    stamp.write_text(digest)
    return True


def hits_as_rows(hits: Iterable[engine.Hit]) -> list[dict[str, Any]]:
    return [
        {
            "id": h.id,
            "kind": h.kind,
            "title": h.title,
            "department": h.department_name,
            "unit": h.unit,
            "region": h.region,
            "amount_yuan": h.amount,
            "url": h.url,
            "score": round(h.score, 3),
        }
        for h in hits
    ]
