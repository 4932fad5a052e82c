"""The records grouped the way the site shows them: regions, departments, projects.

A region is its slug: all documents listed for it (a county's departments often
publish separately) merge into one region with one page, one set of totals and a
list of its documents. A region whose documents produced no record has no page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from generator.model import FUND_SOURCES, Record, safe_code
from generator.quality_codes import DOCUMENT_FLAGS
from generator.sources import Source, served_name


def annual_total(rec: Record) -> float:
    return float(rec.funds.annual.total or 0)


def is_repeat(rec: Record, position: dict[str, tuple[str, int]]) -> bool:
    """A duplicate submission published after its twin: shown and flagged, but left out of
    every total (the first publication is counted). position: id -> (file, first line)."""
    if "duplicate_submission" not in rec.quality_flags:
        return False
    mine = position.get(rec.project_id, (rec.source.file, rec.source.line_start))
    twins = [i for n in rec.notes_for("duplicate_submission") for i in n.related if i in position]
    return any(position[i] < mine for i in twins)


def counted_total(projects: list[Record], repeats: frozenset[str]) -> float:
    return sum(annual_total(p) for p in projects if p.project_id not in repeats)


def by_source(projects: list[Record], repeats: frozenset[str]) -> list[tuple[str, float]]:
    """Annual amounts per fund source, only the sources that appear; a duplicate
    submission counts once, as in the totals."""
    sums: dict[str, float] = defaultdict(float)
    for p in projects:
        if p.project_id in repeats:
            continue
        for key, _ in FUND_SOURCES:
            sums[key] += float(getattr(p.funds.annual, key) or 0)
    return [(label, sums[key]) for key, label in FUND_SOURCES if sums[key]]


def source_shares(amounts: list[tuple[str, float]], total: float) -> list[tuple[str, float, int]]:
    """(label, amount, per cent of the annual total), largest first."""
    ordered = sorted(amounts, key=lambda x: -x[1])
    return [(label, amount, round(100 * amount / total) if total else 0) for label, amount in ordered]


@dataclass(frozen=True)
class RegionDocument:
    """A published document of a region, and the name our plain-text copy is served under."""

    source: Source
    served: str  # sources/<served>: fixed safe name, .txt only; "" when no copy is served

    @property
    def title(self) -> str:
        return self.source.title


@dataclass
class Department:
    key: str  # URL slug: <region slug>-<safe code>
    region: Region
    code: str
    name: str
    projects: list[Record] = field(default_factory=list)
    repeats: frozenset[str] = frozenset()  # duplicate submissions: not in the totals (is_repeat)

    @property
    def annual_total(self) -> float:
        return counted_total(self.projects, self.repeats)

    def by_source(self) -> list[tuple[str, float]]:
        return by_source(self.projects, self.repeats)

    def source_shares(self) -> list[tuple[str, float, int]]:
        return source_shares(self.by_source(), self.annual_total)


@dataclass
class Region:
    slug: str
    name: str
    province: str
    prefecture: str
    documents: list[RegionDocument] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)

    @property
    def source(self) -> Source:
        """The region's first document (for what all its documents share)."""
        return self.documents[0].source

    @property
    def years(self) -> list[int]:
        return sorted({d.source.year for d in self.documents})

    @property
    def projects(self) -> list[Record]:
        return [p for d in self.departments for p in d.projects]

    @property
    def annual_total(self) -> float:
        return sum(d.annual_total for d in self.departments)

    @property
    def repeats(self) -> int:
        return sum(len(d.repeats) for d in self.departments)

    def source_shares(self) -> list[tuple[str, float, int]]:
        repeats = frozenset().union(*(d.repeats for d in self.departments))
        return source_shares(by_source(self.projects, repeats), self.annual_total)

    @property
    def document_notes(self) -> list[tuple[str, str]]:
        """The region's document-level flags (DOCUMENT_FLAGS), each note once: (code, message)."""
        seen: dict[tuple[str, str], int] = {}
        for p in self.projects:
            for code in sorted(DOCUMENT_FLAGS & set(p.quality_flags)):
                for note in p.notes_for(code):
                    seen.setdefault((code, note.message), note.line)
        return sorted(seen, key=lambda k: (seen[k], k))  # in the document's order


@dataclass
class Corpus:
    regions: list[Region]
    projects: list[Record]
    department_of: dict[str, Department]  # project_id -> department
    document_of: dict[str, RegionDocument]  # source file -> document
    titles: dict[str, str] = field(default_factory=dict)  # project_id -> the name shown (project_titles)

    def title(self, rec: Record) -> str:
        return self.titles.get(rec.project_id) or rec.project_name

    @property
    def departments(self) -> list[Department]:
        return [d for r in self.regions for d in r.departments]

    def flag_counts(self) -> Counter[str]:
        return Counter(code for p in self.projects for code in p.quality_flags)


def _department_name(projects: list[Record]) -> str:
    """The most common printed name; the longest on a tie (a cut-off name is shorter)."""
    names = Counter(p.department_name for p in projects)
    return max(names, key=lambda n: (names[n], len(n), n))


def _department_keys(region: str, codes: list[str]) -> dict[str, str]:
    """A safe, unique key per printed code: 'fanshi-101'; codes that clean to the same key
    get -2, -3 … in code order, so no department's page overwrites another's."""
    out: dict[str, str] = {}
    used: Counter[str] = Counter()
    for code in sorted(codes):
        base = f"{region}-{safe_code(code)}"
        used[base] += 1
        out[code] = base if used[base] == 1 else f"{base}-{used[base]}"
    return out


def _region(
    slug: str, sources: list[Source], records: list[Record], sha: dict[str, str], repeats: frozenset[str]
) -> Region:
    first = sources[0]
    docs = [RegionDocument(s, served_name(s, sha[s.file]) if s.file in sha else "") for s in sources]
    region = Region(slug, first.region, first.province, first.prefecture, docs)
    groups: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        groups[rec.department_code].append(rec)
    keys = _department_keys(slug, list(groups))
    for code in sorted(groups, key=lambda c: keys[c]):
        projects = sorted(groups[code], key=lambda p: (-annual_total(p), p.project_name, p.project_id))
        mine = repeats & {p.project_id for p in projects}
        region.departments.append(
            Department(keys[code], region, code, _department_name(projects), projects, mine)
        )
    return region


def shown_name(rec: Record) -> str:
    """The name a project is shown by: as the county published it, or, when the table's
    name is an OCR misreading of its 项目支出预算表 line (ocr_name_mismatch), the budget
    table's name (the page says what the table printed)."""
    if rec.budget_match is not None and "ocr_name_mismatch" in rec.quality_flags:
        return rec.budget_match.name
    return rec.project_name


def project_titles(records: list[Record]) -> dict[str, str]:
    """Each project's title: its shown name, followed by its 实施单位 when other projects
    share the name (城乡义务教育生均公用经费（中央）· 古韩镇中心学校), by its department when
    the unit does not tell them apart, and by its region when neither does."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        groups[shown_name(rec)].append(rec)
    out: dict[str, str] = {}
    for name, twins in groups.items():
        if len(twins) == 1:
            out[twins[0].project_id] = name
            continue
        counts = {key: Counter(getattr(r, key) for r in twins) for key in _TELLING}
        for rec in twins:
            telling = [
                getattr(rec, k) for k in _TELLING if getattr(rec, k) and counts[k][getattr(rec, k)] == 1
            ]
            tail = telling[0] if telling else (rec.unit_name or rec.department_name)
            out[rec.project_id] = f"{name} · {tail}" if tail else name
    return out


_TELLING = ("unit_name", "department_name", "region")  # what may tell projects of one name apart


def build_corpus(records: list[Record], sources: list[Source], sha: dict[str, str] | None = None) -> Corpus:
    """Regions from the sources (merged by slug), each holding the records of its documents.

    `sha` maps a source file to its SHA-256, from which the served copy is named; a
    document without one gets no copy. Records of unlisted files are not placed
    (generator.validate reports them)."""
    sha = sha or {}
    by_slug: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        by_slug[s.slug].append(s)
    slug_of = {s.file: s.slug for s in sources}
    by_region: dict[str, list[Record]] = defaultdict(list)
    for rec in records:
        if rec.source.file in slug_of:
            by_region[slug_of[rec.source.file]].append(rec)
    placed = [r for recs in by_region.values() for r in recs]
    position = {r.project_id: (r.source.file, r.source.line_start) for r in placed}
    repeats = frozenset(r.project_id for r in placed if is_repeat(r, position))
    regions = [
        _region(slug, by_slug[slug], by_region[slug], sha, repeats) for slug in by_slug if by_region[slug]
    ]
    department_of = {p.project_id: d for r in regions for d in r.departments for p in d.projects}
    document_of = {doc.source.file: doc for r in regions for doc in r.documents}
    projects = sorted((p for r in regions for p in r.projects), key=lambda p: p.project_id)
    return Corpus(regions, projects, department_of, document_of, project_titles(projects))
