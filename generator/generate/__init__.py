"""Stage 4: records -> Markdown pages under content/ (plain Markdown, so the site
builder can be swapped without touching this stage).

Generated: index.md, quality.md, projects/, departments/, regions/, assets/charts/
and sources/ (the raw documents, linked from every project page). Hand-written
pages (about.md, methodology.md, glossary.md) are left alone.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.corpus import (
    FUND_SOURCES,
    Corpus,
    Department,
    annual_total,
    build_corpus,
    load_records,
)
from generator.generate import fmt
from generator.generate.charts import bar_chart
from generator.paths import DEFAULT_EPOCH, Paths
from generator.problems import Report
from generator.publish import run_publish
from generator.publish.writers import build_date_from_epoch
from generator.quality import QUALITY_FLAGS
from generator.search import run_search_index
from generator.sources import load_sources

GENERATED_DIRS = (
    "projects",
    "departments",
    "regions",
    "assets/charts",
    "sources",
    "downloads",
    "api",
    "search",
)
GENERATED_FILES = ("index.md", "quality.md")
SECTIONS = (
    ("overview", "项目概况"),
    ("basis", "立项依据"),
    ("necessity", "项目设立必要性"),
    ("measures", "保证项目实施的制度、措施"),
    ("plan", "项目实施计划"),
)
TOP_N = 15


@dataclass
class GenerateOutcome:
    report: Report
    pages: int
    projects: int
    departments: int
    regions: int
    seconds: dict[str, float]  # per step: search, pages, downloads


def environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.filters.update(
        t=fmt.md_text,
        c=fmt.md_cell,
        wan=fmt.wan,
        yuan=fmt.yuan,
        wan_num=lambda v: "—" if v is None else f"{v / 1e4:,.2f}",
        pct=lambda v: f"{v:g}%",
        yaml_str=fmt.front_matter_title,
    )
    return env


def _fund_rows(p: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    period, annual = p["funds"]["period"], p["funds"]["annual"]
    rows = [("资金总额", period.get("total"), annual.get("total"))]
    for key, label in FUND_SOURCES:
        if period.get(key) is not None or annual.get(key) is not None:
            rows.append((label, period.get(key), annual.get(key)))
    return rows


def _grouped(indicators: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Show level 1 and level 2 only on the first row of their group."""
    out, last1, last2 = [], None, None
    for ind in indicators:
        row = dict(ind)
        if ind["level1"] == last1:
            row["level1"] = ""
            if ind["level2"] == last2:
                row["level2"] = ""
        last1, last2 = ind["level1"], ind["level2"]
        out.append(row)
    return out


def _indicator_tables(p: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]], bool]]:
    keys = ("level1", "level2", "name", "value", "description", "basis")
    period = [i for i in p["indicators"] if i["scope"] == "period"]
    annual = [i for i in p["indicators"] if i["scope"] == "annual"]
    extra = any(i["description"] or i["basis"] for i in p["indicators"])
    same = [[i[k] for k in keys] for i in period] == [[i[k] for k in keys] for i in annual]
    if period and same:
        return [("实施期与年度指标（两栏相同）", _grouped(period), extra)]
    tables = []
    if period:
        tables.append(("实施期指标", _grouped(period), extra))
    if annual:
        tables.append(("年度指标", _grouped(annual), extra))
    return tables


def _flags(p: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(c, QUALITY_FLAGS.get(c, c), p["quality_notes"].get(c, "")) for c in p["quality_flags"]]


class _Writer:
    def __init__(self, env: Environment, content: Path) -> None:
        self.env, self.content, self.pages = env, content, 0

    def page(self, template: str, rel: str, **ctx: Any) -> None:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.env.get_template(template).render(**ctx), encoding="utf-8")
        self.pages += 1

    def chart(self, name: str, items: list[tuple[str, float]], title: str) -> None:
        path = self.content / "assets" / "charts" / f"{name}.svg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(bar_chart(items, title), encoding="utf-8")


def copy_handwritten(src: Path, dst: Path) -> None:
    """Copy content/ without what `generate` writes: the hand-written pages and assets."""
    top = {d.split("/")[0] for d in GENERATED_DIRS} | set(GENERATED_FILES)

    def skip(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if Path(folder) == src and n in top]

    shutil.copytree(src, dst, ignore=skip)


def _clean(content: Path) -> None:
    for d in GENERATED_DIRS:
        shutil.rmtree(content / d, ignore_errors=True)
    for f in GENERATED_FILES:
        (content / f).unlink(missing_ok=True)


def _most_first(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _quality_view(corpus: Corpus) -> list[dict[str, Any]]:
    out = []
    for code in sorted(corpus.flag_counts()):
        projects = [
            (p, corpus.department_of[p["project_id"]], p["quality_notes"].get(code, ""))
            for p in corpus.projects
            if code in p["quality_flags"]
        ]
        by_region = Counter(d.region.name for _, d, _ in projects)
        by_dept = Counter(d.key for _, d, _ in projects)
        depts = {d.key: d for _, d, _ in projects}
        out.append(
            {
                "code": code,
                "text": QUALITY_FLAGS.get(code, code),
                "projects": projects,
                "by_region": _most_first(by_region),
                "by_department": [(depts[k], n) for k, n in _most_first(by_dept)],
            }
        )
    return out


def _largest(
    projects: list[dict[str, Any]], corpus: Corpus, n: int
) -> list[tuple[dict[str, Any], Department]]:
    top = sorted(projects, key=lambda p: (-annual_total(p), p["project_id"]))[:n]
    return [(p, corpus.department_of[p["project_id"]]) for p in top]


def _similar_view(
    ids: list[str], by_id: dict[str, dict[str, Any]], corpus: Corpus
) -> list[tuple[dict[str, Any], Department]]:
    return [(by_id[i], corpus.department_of[i]) for i in ids if i in by_id]


def write_site_pages(
    corpus: Corpus, templates: Path, content: Path, raw: Path, similar: dict[str, list[str]]
) -> int:
    env = environment(templates)
    w = _Writer(env, content)
    by_id = {p["project_id"]: p for p in corpus.projects}  # once: per page it was quadratic
    for p in corpus.projects:
        dept = corpus.department_of[p["project_id"]]
        w.page(
            "project.md.j2",
            f"projects/{p['project_id']}.md",
            p=p,
            dept=dept,
            region=dept.region,
            source=dept.region.source,
            fund_rows=_fund_rows(p),
            sections=[(title, p[key]) for key, title in SECTIONS],
            indicator_tables=_indicator_tables(p),
            flags=_flags(p),
            similar=_similar_view(similar.get(p["project_id"], []), by_id, corpus),
        )
    for d in corpus.departments:
        w.chart(
            f"department-{d.key}",
            [(p["project_name"], annual_total(p)) for p in d.projects[:TOP_N]],
            f"{d.name}：年度资金最多的项目",
        )
        w.page("department.md.j2", f"departments/{d.key}.md", d=d)
    for r in corpus.regions:
        depts = sorted(r.departments, key=lambda d: (-d.annual_total, d.key))
        w.chart(
            f"region-{r.slug}", [(d.name, d.annual_total) for d in depts[:TOP_N]], f"{r.name}：各部门年度资金"
        )
        w.page(
            "region.md.j2",
            f"regions/{r.slug}.md",
            r=r,
            departments=depts,
            largest=_largest(r.projects, corpus, 10),
        )
    w.page("regions.md.j2", "regions/index.md", regions=corpus.regions)
    all_depts = sorted(corpus.departments, key=lambda d: (-d.annual_total, d.key))
    w.page("departments.md.j2", "departments/index.md", departments=all_depts)
    w.chart("home-regions", [(r.name, r.annual_total) for r in corpus.regions], "各地区年度资金")
    w.chart(
        "home-departments",
        [(f"{d.name}（{d.region.name}）", d.annual_total) for d in all_depts[:TOP_N]],
        "年度资金最多的部门",
    )
    w.page(
        "home.md.j2",
        "index.md",
        regions=corpus.regions,
        total_projects=len(corpus.projects),
        total_departments=len(all_depts),
        total_annual=sum(r.annual_total for r in corpus.regions),
        top_departments=all_depts[:TOP_N],
        largest=_largest(corpus.projects, corpus, 20),
        flagged=sum(1 for p in corpus.projects if p["quality_flags"]),
    )
    w.page("quality.md.j2", "quality.md", flags=_quality_view(corpus))
    (content / "sources").mkdir(parents=True, exist_ok=True)
    for r in corpus.regions:
        shutil.copyfile(raw / r.source.file, content / "sources" / r.source.file)
    return w.pages


def _version() -> str:
    try:
        return metadata.version("budget-site")
    except metadata.PackageNotFoundError:
        return "0"


def run_generate(paths: Paths, content: Path | None = None) -> GenerateOutcome:
    """Pages, charts and the downloads (generator.publish) for every record."""
    clock = {"start": time.perf_counter()}
    report = Report()
    sources = load_sources(paths, report)
    corpus = build_corpus(load_records(paths.records), sources)
    content = content or paths.root / "content"
    _clean(content)
    clock["records"] = time.perf_counter()
    found = run_search_index(
        corpus, paths.search_index, content, with_similar=os.environ.get("BUDGET_SITE_SIMILAR", "1") != "0"
    )
    clock["search"] = time.perf_counter()
    pages = write_site_pages(corpus, paths.root / "templates", content, paths.raw, found.similar)
    clock["pages"] = time.perf_counter()
    build_date = build_date_from_epoch(os.environ.get("SOURCE_DATE_EPOCH"), DEFAULT_EPOCH)
    run_publish(corpus, content, build_date, _version())
    clock["downloads"] = time.perf_counter()
    steps = list(clock)
    seconds = {b: round(clock[b] - clock[a], 1) for a, b in itertools.pairwise(steps)}
    return GenerateOutcome(
        report, pages, len(corpus.projects), len(corpus.departments), len(corpus.regions), seconds
    )
