"""Stage 4: records -> Markdown pages under content/ (plain Markdown, so the site
builder can be swapped without touching this stage).

Generated: index.md, quality.md, problems.md, projects/, departments/, regions/,
assets/charts/, sources/ (plain-text copies of the documents under fixed safe names),
downloads/, api/ and search/. Hand-written pages (about.md, methodology.md, …) are
copied along. Everything is written into a temporary directory that replaces content/
only when all of it succeeded: a failure leaves the previous content/ as it was.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator import stamps
from generator.corpus import Corpus, Department, annual_total, build_corpus
from generator.generate import fmt, project_page
from generator.generate.charts import bar_chart, chart_alt
from generator.generate.similar import MIN_SIMILARITY, Similar, similar_projects
from generator.model import Record
from generator.problems import CATALOGUE, Kind, Problem, Report
from generator.publish import run_publish
from generator.quality import QUALITY_FLAGS
from generator.records import Loaded
from generator.search import run_search_index
from generator.settings import Settings
from generator.sources import Source, load_sources, served_text
from generator.validate import run_validate

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
GENERATED_FILES = ("index.md", "quality.md", "problems.md")
TOP_N = 15
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


@dataclass
class GenerateOutcome:
    report: Report
    pages: int = 0
    projects: int = 0
    departments: int = 0
    regions: int = 0
    seconds: dict[str, float] | None = None  # per step: records, search, pages, downloads
    skipped: int = 0  # record files not published (each reported)
    written: bool = False  # False: content/ was left as it was


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
        wan_cell=project_page.wan_cell,
        link_url=fmt.link_url,
        pct=lambda v: f"{v:g}%",
        yaml_str=fmt.front_matter_title,
        # a quality mark beside what it marks: a space between, nothing when there is none
        after=lambda mark: f" {mark}" if mark else "",
        before=lambda mark: f"{mark} " if mark else "",
    )
    return env


class _Writer:
    def __init__(self, env: Environment, content: Path) -> None:
        self.env, self.content, self.pages = env, content, 0
        self.alts: dict[str, str] = {}  # chart name -> its text alternative (the numbers, not just the title)

    def page(self, template: str, rel: str, **ctx: Any) -> None:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.env.get_template(template).render(**ctx), encoding="utf-8")
        self.pages += 1

    def page_with_charts(self, template: str, rel: str, **ctx: Any) -> None:
        self.page(template, rel, alt=self.alts, **ctx)

    def chart(self, name: str, items: list[tuple[str, float]], title: str) -> None:
        path = self.content / "assets" / "charts" / f"{name}.svg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(bar_chart(items, title), encoding="utf-8")
        self.alts[name] = chart_alt(items, title)


def copy_handwritten(src: Path, dst: Path) -> None:
    """Copy content/ without what `generate` writes: the hand-written pages and assets."""
    top = {d.split("/")[0] for d in GENERATED_DIRS} | set(GENERATED_FILES)

    def skip(folder: str, names: list[str]) -> list[str]:
        return [n for n in names if Path(folder) == src and n in top]

    shutil.copytree(src, dst, ignore=skip)


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
        by_region = Counter(d.region.name for _, d, _ in projects)
        by_dept = Counter(d.key for _, d, _ in projects)
        depts = {d.key: d for _, d, _ in projects}
        out.append(
            {
                "code": code,
                "text": QUALITY_FLAGS.get(code, code),
                "severity": project_page.severity(code),
                "money": sum(annual_total(p) for p in flagged),
                "projects": projects,
                "by_region": _most_first(by_region),
                "by_department": [(depts[k], n) for k, n in _most_first(by_dept)],
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


def write_site_pages(
    corpus: Corpus, templates: Path, content: Path, similar: dict[str, list[Similar]]
) -> int:
    env = environment(templates)
    env.filters["title"] = corpus.title
    w = _Writer(env, content)
    by_id = {p.project_id: p for p in corpus.projects}  # once: per page it was quadratic
    for p in corpus.projects:
        found = similar.get(p.project_id, [])
        ctx = project_page.context(p, corpus, by_id, found)
        w.page("project.md.j2", f"projects/{p.project_id}.md", min_similarity=MIN_SIMILARITY, **ctx)
    for d in corpus.departments:
        w.chart(
            f"department-{d.key}",
            [(corpus.title(p), annual_total(p)) for p in d.projects[:TOP_N]],
            f"{d.name}：年度资金最多的项目",
        )
        w.page_with_charts("department.md.j2", f"departments/{d.key}.md", d=d)
    for r in corpus.regions:
        depts = sorted(r.departments, key=lambda d: (-d.annual_total, d.key))
        w.chart(f"region-{r.slug}", _department_bars(depts[:TOP_N]), f"{r.name}：各部门年度资金")
        largest = _largest(r.projects, corpus, 10)
        w.chart(
            f"region-{r.slug}-projects",
            [(corpus.title(p), annual_total(p)) for p, _ in largest],
            f"{r.name}：年度资金最多的项目",
        )
        w.page_with_charts("region.md.j2", f"regions/{r.slug}.md", r=r, departments=depts, largest=largest)
    w.page("regions.md.j2", "regions/index.md", regions=corpus.regions)
    all_depts = sorted(corpus.departments, key=lambda d: (-d.annual_total, d.key))
    w.page("departments.md.j2", "departments/index.md", departments=all_depts)
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


def _version() -> str:
    try:
        return metadata.version("budget-site")
    except metadata.PackageNotFoundError:
        return "0"


def problem_kinds() -> list[Kind]:
    return sorted(CATALOGUE.values(), key=lambda k: (k.stage, k.code))


def _documents(settings: Settings, sources: list[Source]) -> dict[str, tuple[str, list[str]]]:
    """Each listed document that reads: its SHA-256 and the text served for it."""
    texts = {s.file: served_text(settings.paths, s) for s in sources}
    return {file: text for file, text in texts.items() if text is not None}


def _write_served_copies(corpus: Corpus, docs: dict[str, tuple[str, list[str]]], content: Path) -> None:
    """Plain-text copies of the documents, decoded, under their fixed safe names: never the
    uploaded name or extension, so nothing from data/raw/ is ever served as HTML or script."""
    folder = content / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    for region in corpus.regions:
        for doc in region.documents:
            if doc.served:
                text = "\n".join(docs[doc.source.file][1])
                (folder / doc.served).write_text("\ufeff" + text, encoding="utf-8")


def _region_warnings(sources: list[Source], corpus: Corpus, settings: Settings, report: Report) -> None:
    published = {r.slug for r in corpus.regions}
    seen: set[str] = set()
    for s in sources:
        if s.slug not in published and s.slug not in seen:
            seen.add(s.slug)
            report.add("region-empty", settings.paths.rel(settings.paths.sources), s.line, region=s.region)


def _failure_site(exc: Exception, settings: Settings) -> tuple[str, int, str]:
    """Where generation failed: the template and its line when a template failed (jinja puts
    template frames into the traceback), else the last frame of our code."""
    frames = traceback.extract_tb(exc.__traceback__)
    for frame in reversed(frames):
        if frame.filename.endswith(".j2"):
            return settings.paths.rel(Path(frame.filename)), frame.lineno or 0, "模板"
    last = frames[-1] if frames else None
    return "", 0, f"{last.filename}:{last.lineno}" if last else "未知位置"


def _swap_in(tmp: Path, content: Path) -> None:
    """The new content/ in place of the old one in two renames; the old tree (thousands of
    files) is deleted by a thread while the caller goes on (the builder reads the new tree),
    and the process waits for it before it exits. A tree left by a crash goes next time."""
    old = content.with_name(f".{content.name}-old-{os.getpid()}-{time.monotonic_ns()}")
    stale = sorted(content.parent.glob(f".{content.name}-old*"))
    if content.exists():
        os.replace(content, old)
    os.replace(tmp, content)
    for tree in [*stale, old]:
        threading.Thread(target=shutil.rmtree, args=(tree,), kwargs={"ignore_errors": True}).start()


def _write_all(
    corpus: Corpus, docs: dict[str, tuple[str, list[str]]], settings: Settings, content: Path
) -> tuple[int, dict[str, float]]:
    clock = {"records": time.perf_counter()}
    run_search_index(corpus, settings.paths.search_docs, content)
    clock["search"] = time.perf_counter()
    similar = similar_projects(corpus) if settings.similar else {}
    clock["similar"] = time.perf_counter()
    pages = write_site_pages(corpus, settings.paths.templates, content, similar)
    _write_served_copies(corpus, docs, content)
    clock["pages"] = time.perf_counter()
    run_publish(corpus, content, settings.build_date, _version(), settings.paths.cache / "downloads")
    clock["downloads"] = time.perf_counter()
    return pages, {b: round(clock[b] - clock[a], 1) for a, b in itertools.pairwise(clock)}


def run_generate(
    settings: Settings,
    report: Report | None = None,
    loaded: Loaded | None = None,
    content: Path | None = None,
) -> GenerateOutcome:
    """Pages, charts, served copies, search index and downloads for every valid record,
    written into a temporary directory and swapped in for content/ when all succeeded."""
    start = time.perf_counter()
    report = report or Report()
    sources = load_sources(settings.paths, Report())
    if sources is None:
        load_sources(settings.paths, report)  # say why, once
        return GenerateOutcome(report)
    paths = settings.paths
    inputs = stamps.inputs_digest(
        paths.records,
        paths.sources,
        paths.raw,
        paths.templates,
        [settings.epoch, settings.similar, _version()],
    )
    content = content or paths.content
    if (last := stamps.unchanged(paths.cache, "generate", inputs, content)) is not None:
        return _unchanged(last, report, start)
    if loaded is None:
        report, loaded = run_validate(settings.paths, report)
    docs = _documents(settings, sources)
    corpus = build_corpus(loaded.records, sources, {f: sha for f, (sha, _) in docs.items()})
    _region_warnings(sources, corpus, settings, report)
    stamps.forget(paths.cache, "generate")
    content.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{content.name}-", dir=content.parent))
    try:
        tmp.rmdir()
        if content.exists():
            copy_handwritten(content, tmp)
        else:
            tmp.mkdir()
        tmp.chmod(0o755)
        pages, seconds = _write_all(corpus, docs, settings, tmp)
    except Exception as exc:  # a bug in a template or writer: keep the previous content/
        shutil.rmtree(tmp, ignore_errors=True)
        file, line, where = _failure_site(exc, settings)
        report.add("generate-failed", file, line, error=f"{type(exc).__name__}: {exc}", where=where)
        return GenerateOutcome(report, skipped=len(loaded.skipped))
    swap = time.perf_counter()
    _swap_in(tmp, content)
    swapped = time.perf_counter()
    seconds = {"records": round(swap - start - sum(seconds.values()), 1), **seconds}
    seconds["swap"] = round(swapped - swap, 1)
    outcome = GenerateOutcome(
        report,
        pages,
        len(corpus.projects),
        len(corpus.departments),
        len(corpus.regions),
        seconds,
        len(loaded.skipped),
        True,
    )
    stamps.record(paths.cache, "generate", inputs, content, _summary(outcome))
    return outcome


def _summary(outcome: GenerateOutcome) -> dict[str, Any]:
    """What a skipped run reports: the counts and the problems of the run it repeats."""
    counts = ("pages", "projects", "departments", "regions", "skipped")
    problems = [p.as_dict() for p in outcome.report.problems]
    return {**{k: getattr(outcome, k) for k in counts}, "problems": problems}


def _unchanged(last: dict[str, Any], report: Report, start: float) -> GenerateOutcome:
    """The outcome of a run skipped because its inputs and content/ are as the last run left them."""
    report.problems.extend(Problem.from_dict(p) for p in last["problems"])
    counts = {k: int(last[k]) for k in ("pages", "projects", "departments", "regions", "skipped")}
    seconds = {"unchanged": round(time.perf_counter() - start, 1)}
    return GenerateOutcome(report, **counts, seconds=seconds, written=True)
