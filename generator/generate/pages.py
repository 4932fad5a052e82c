"""The pages: a region's (its projects, departments and region page, with their charts),
written by the region's shard task; and the national ones (home, the indexes, 数据质量,
the problem catalogue), written from the whole corpus once the shards are done. All are
Markdown, except the body of a project's, a department's and the department index's
page, which is HTML (see generator/build_plugin).
"""

from __future__ import annotations

from collections import Counter
from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from generator.corpus import Corpus, Department, Region, annual_total
from generator.generate import fmt, project_page
from generator.generate.charts import bar_chart, chart_alt
from generator.generate.similar import MIN_SIMILARITY, SimilarLink
from generator.generate.urls import href
from generator.model import Record
from generator.problems import CATALOGUE, Kind
from generator.quality import QUALITY_FLAGS
from generator.stamps import code_version

TOP_N = 15
# the 数据质量 page lists, per flag, at most this many projects (the most money first),
# departments and regions (the most flagged first): at 100× a flag has thousands of
# projects, and a page of all of them (6 MB) is no page for a phone; quality.csv has all
QUALITY_ROWS = 200
STAGES = {
    "sources": "来源清单",
    "extract": "提取",
    "corrections": "人工修正",
    "records": "记录校验",
    "quality": "数据质量",
    "generate": "生成页面",
    "build": "构建站点",
}
SEVERITIES = {"error": "错误", "warning": "警告", "flag": "质量提示", "info": "说明"}


def environment(templates: Path, compiled: Path | None = None) -> Environment:
    """The templates' environment: one per process and folder, so a worker compiles each
    template once, not once per shard. Nothing in it depends on a corpus: the `title`
    filter asks the page's own `corpus` (every page is given its corpus). `compiled`: a
    folder for Jinja's bytecode cache, so a run compiles only the templates that changed
    (Jinja checks each entry against its template's source; the entries are named by this
    code's version, and those of other versions removed)."""
    return _environment(templates, compiled)


@pass_context
def _title(ctx: Context, rec: Record) -> str:
    return str(ctx["corpus"].title(rec))


@cache
def _environment(templates: Path, compiled: Path | None) -> Environment:
    bytecode = None
    if compiled is not None:
        version = code_version()
        compiled.mkdir(parents=True, exist_ok=True)
        for old in compiled.glob("*.cache"):
            if not old.name.startswith(f"{version}-"):
                old.unlink(missing_ok=True)
        bytecode = FileSystemBytecodeCache(str(compiled), f"{version}-%s.cache")
    env = Environment(
        loader=FileSystemLoader(templates),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        bytecode_cache=bytecode,
    )
    env.filters.update(
        t=fmt.md_text,
        c=fmt.md_cell,
        h=fmt.plain_text,  # for an autoescaped HTML body (project.md.j2)
        wan=fmt.wan,
        yuan=fmt.yuan,
        wan_num=lambda v: "—" if v is None else f"{v / 1e4:,.2f}",
        wan_cell=project_page.wan_cell,
        link_url=fmt.link_url,
        pct=lambda v: f"{v:g}%",
        yaml_str=fmt.front_matter_title,
        # a quality mark (HTML) beside what it marks: a space between, nothing when there is none
        after=lambda mark: Markup(" ") + mark if mark else "",
        before=lambda mark: mark + Markup(" ") if mark else "",
        title=_title,
    )
    return env


class _Writer:
    def __init__(self, env: Environment, content: Path, corpus: Corpus) -> None:
        self.env, self.content, self.corpus, self.pages = env, content, corpus, 0
        self.alts: dict[str, str] = {}  # chart name -> its text alternative (the numbers, not just the title)

    def page(self, template: str, rel: str, **ctx: Any) -> None:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        page = self.env.get_template(template).render(corpus=self.corpus, **ctx)
        path.write_text(page, encoding="utf-8")
        self.pages += 1

    def page_with_charts(self, template: str, rel: str, **ctx: Any) -> None:
        self.page(template, rel, alt=self.alts, **ctx)

    def chart(self, name: str, items: list[tuple[str, float]], title: str) -> None:
        path = self.content / "assets" / "charts" / f"{name}.svg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(bar_chart(items, title), encoding="utf-8")
        self.alts[name] = chart_alt(items, title)


def _most_first(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def _quality_view(corpus: Corpus) -> list[dict[str, Any]]:
    """Each flag with its projects, most severe flags first, then by the money they concern;
    within a flag, the projects with the most money first."""
    out = []
    for code in sorted(corpus.flag_counts()):
        flagged = [p for p in corpus.projects if code in p.quality_flags]
        flagged.sort(key=lambda p: (-annual_total(p), p.project_id))
        projects = [(p, corpus.department_of[p.project_id], p.notes_for(code)) for p in flagged]
        by_region = _most_first(Counter(d.region.name for _, d, _ in projects))
        by_dept = _most_first(Counter(d.key for _, d, _ in projects))
        depts = {d.key: d for _, d, _ in projects}
        out.append(
            {
                "code": code,
                "text": QUALITY_FLAGS.get(code, code),
                "severity": project_page.severity(code),
                "money": sum(annual_total(p) for p in flagged),
                "count": len(projects),
                "projects": projects[:QUALITY_ROWS],
                "regions": len(by_region),
                "by_region": by_region[:QUALITY_ROWS],
                "departments": len(by_dept),
                "by_department": [(depts[k], n) for k, n in by_dept[:QUALITY_ROWS]],
            }
        )
    order = project_page.SEVERITY_ORDER
    return sorted(out, key=lambda f: (order.index(f["severity"]), -f["money"], f["code"]))


def _department_bars(depts: list[Department]) -> list[tuple[str, float]]:
    """A chart's bars for departments: two with one name (中阳县's two 县委办公室 codes)
    are told apart by their codes, put first so that a long name cut short keeps them."""
    names = Counter(d.name for d in depts)
    return [(f"{d.code} {d.name}" if names[d.name] > 1 else d.name, d.annual_total) for d in depts]


def _largest(projects: list[Record], corpus: Corpus, n: int) -> list[tuple[Record, Department]]:
    top = sorted(projects, key=lambda p: (-annual_total(p), p.project_id))[:n]
    return [(p, corpus.department_of[p.project_id]) for p in top]


def write_region_pages(
    corpus: Corpus,
    templates: Path,
    content: Path,
    similar: dict[str, list[SimilarLink]],
    departments: list[Department],
    regions: list[Region],
    compiled: Path | None = None,
) -> int:
    """The pages and charts of these departments and their projects, and of these regions
    (a shard's: a region, or part of one)."""
    w = _Writer(environment(templates, compiled), content, corpus)
    for p in (p for d in departments for p in d.projects):
        ctx = project_page.context(p, corpus, similar.get(p.project_id, []))
        w.page("project.md.j2", f"projects/{p.project_id}.md", min_similarity=MIN_SIMILARITY, **ctx)
    for d in departments:
        w.chart(
            f"department-{d.key}",
            [(corpus.title(p), annual_total(p)) for p in d.projects[:TOP_N]],
            f"{d.name}：年度资金最多的项目",
        )
        link = partial(href, f"departments/{d.key}.md")
        w.page_with_charts("department.md.j2", f"departments/{d.key}.md", d=d, link=link)
    for r in regions:
        depts = sorted(r.departments, key=lambda d: (-d.annual_total, d.key))
        w.chart(f"region-{r.slug}", _department_bars(depts[:TOP_N]), f"{r.name}：各部门年度资金")
        largest = _largest(r.projects, corpus, 10)
        w.chart(
            f"region-{r.slug}-projects",
            [(corpus.title(p), annual_total(p)) for p, _ in largest],
            f"{r.name}：年度资金最多的项目",
        )
        w.page_with_charts("region.md.j2", f"regions/{r.slug}.md", r=r, departments=depts, largest=largest)
    return w.pages


def problem_kinds() -> list[Kind]:
    return sorted(CATALOGUE.values(), key=lambda k: (k.stage, k.code))


def write_national_pages(corpus: Corpus, templates: Path, content: Path, compiled: Path | None = None) -> int:
    """Home, the region and department indexes, 数据质量 and the problem catalogue."""
    w = _Writer(environment(templates, compiled), content, corpus)
    w.page("regions.md.j2", "regions/index.md", regions=corpus.regions)
    all_depts = sorted(corpus.departments, key=lambda d: (-d.annual_total, d.key))
    link = partial(href, "departments/index.md")
    w.page("departments.md.j2", "departments/index.md", departments=all_depts, link=link)
    w.chart("home-regions", [(r.name, r.annual_total) for r in corpus.regions], "各地区年度资金")
    w.chart(
        "home-departments",
        [(f"{d.name}（{d.region.name}）", d.annual_total) for d in all_depts[:TOP_N]],
        "年度资金最多的部门",
    )
    w.page_with_charts(
        "home.md.j2",
        "index.md",
        regions=corpus.regions,
        total_projects=len(corpus.projects),
        total_departments=len(all_depts),
        total_annual=sum(r.annual_total for r in corpus.regions),
        top_departments=all_depts[:TOP_N],
        largest=_largest(corpus.projects, corpus, 20),
        flagged=sum(1 for p in corpus.projects if p.quality_flags),
        repeats=sum(r.repeats for r in corpus.regions),
    )
    w.page("quality.md.j2", "quality.md", flags=_quality_view(corpus))
    w.page("problems.md.j2", "problems.md", kinds=problem_kinds(), stages=STAGES, severities=SEVERITIES)
    return w.pages
