"""budget-site: a thin click CLI over the stage functions.

Every command ends with one summary line; problems are printed as
`file:line: severity: message [code]` with a hint, to stderr.
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from generator.model import FUND_SOURCES
from generator.paths import Paths
from generator.problems import Report
from generator.records import Loaded
from generator.settings import BUILDERS, Settings, batch_gc

if TYPE_CHECKING:
    from generator.generate import GenerateOutcome

log = logging.getLogger("budget_site")
T = TypeVar("T")


def _print_problems(report: Report, quiet: bool) -> None:
    for issue in report.sorted():
        if issue.severity == "info" or (quiet and issue.severity != "error"):
            continue  # info is for the extract report
        click.echo(issue.format(), err=True)


@click.group()
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Project directory holding data/.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only, not warnings.")
@click.option(
    "--builder",
    type=click.Choice(BUILDERS),
    default=None,
    help=f"The site builder of `build` and `site` [default: $BUDGET_SITE_BUILDER or {BUILDERS[0]}].",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Local Dask worker processes for generate's shards, and processes for the mkdocs "
    "builder's pages [default: every core; none for a small job].",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run generate's shards on the Dask cluster at ADDRESS (tcp://host:8786); its workers "
    "must see this project directory at the same path.",
)
@click.pass_context
def main(
    ctx: click.Context,
    root: Path,
    quiet: bool,
    builder: str | None,
    workers: int | None,
    scheduler: str | None,
) -> None:
    """Budget disclosure site: extract, validate and publish project performance targets."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    try:
        settings = Settings.from_environment(
            os.environ, root=root, builder=builder, workers=workers, scheduler=scheduler
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    ctx.obj = {"settings": settings, "paths": settings.paths, "quiet": quiet}


def _extract(settings: Settings, quiet: bool) -> Report:
    from generator.extract import run_extract

    start = time.perf_counter()
    outcome = run_extract(settings.paths)
    _print_problems(outcome.report, quiet)
    r, s = outcome.report, outcome.stats
    if not outcome.written:
        click.echo(
            f"extract: data/sources.yaml could not be read; nothing was rewritten ({len(r.errors)} errors)"
        )
        return r
    kept = f", {outcome.kept} published records kept" if outcome.kept else ""
    cached = f", {outcome.cached} unchanged" if outcome.cached else ""
    click.echo(
        f"extracted {len(outcome.records)} projects from {len(s)} documents{cached} "
        f"({sum(x.tables_found for x in s)} tables, {sum(x.merged for x in s)} merged, "
        f"{sum(x.partial for x in s)} partial, {sum(x.failed for x in s)} failed{kept}), "
        f"{outcome.corrections_applied} corrections, {len(r.errors)} errors, "
        f"{len(r.warnings)} warnings in {time.perf_counter() - start:.1f} s"
    )
    return r


def _validate(settings: Settings, quiet: bool) -> tuple[Report, Loaded]:
    from generator.validate import run_validate

    start = time.perf_counter()
    report, loaded = run_validate(settings.paths)
    _print_problems(report, quiet)
    skipped = f" ({len(loaded.skipped)} not published)" if loaded.skipped else ""
    click.echo(
        f"validated {loaded.files} records{skipped}: {len(report.errors)} errors, "
        f"{len(report.warnings)} warnings in {time.perf_counter() - start:.1f} s"
    )
    return report, loaded


def _generate(settings: Settings, quiet: bool, loaded: Loaded | None = None) -> GenerateOutcome:
    from generator.generate import run_generate

    start = time.perf_counter()
    report = Report()
    outcome = run_generate(settings, report, loaded)
    _print_problems(report, quiet)
    if not outcome.written:
        click.echo(f"generate failed: content/ left as it was ({len(report.errors)} errors)")
        return outcome
    skipped = f", {outcome.skipped} records not published" if outcome.skipped else ""
    steps = ", ".join(f"{k} {v} s" for k, v in (outcome.seconds or {}).items())
    if outcome.shard_results:
        made = sum(1 for r in outcome.shard_results if not r.cached)
        steps += f"; shards: {made} made, {len(outcome.shard_results) - made} unchanged"
    click.echo(
        f"generated {outcome.pages} pages: {outcome.projects} projects, {outcome.departments} departments, "
        f"{outcome.regions} regions{skipped}, {len(report.errors)} errors, {len(report.warnings)} warnings "
        f"in {time.perf_counter() - start:.1f} s ({steps})"
    )
    return outcome


def _build(settings: Settings) -> bool:
    from generator.build import BuildFailed, build_site

    start = time.perf_counter()
    try:
        outcome = build_site(settings)
    except BuildFailed as exc:
        report = Report()
        report.add("build-failed", "mkdocs.yml", error=str(exc))
        _print_problems(report, quiet=False)
        click.echo("build failed, site/ left as it was")
        return False
    unchanged = " (unchanged: content/ and site/ as the last build left them)" if outcome.unchanged else ""
    on = f" on {outcome.processes} processes" if outcome.processes > 1 else ""
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in outcome.seconds.items())
    steps = f" ({steps})" if steps and not unchanged else ""
    click.echo(
        f"built {outcome.pages} pages, {outcome.bytes / 1e6:.1f} MB, {len(outcome.warnings)} warnings "
        f"in {time.perf_counter() - start:.1f} s{on}{unchanged}{steps}"
    )
    return True


@main.command()
@click.pass_context
def extract(ctx: click.Context) -> None:
    """Published documents in data/raw/ -> records in data/records/."""
    report = _extract(ctx.obj["settings"], ctx.obj["quiet"])
    # a document that could not be read is an error, but the others were written
    ctx.exit(1 if report.errors else 0)


@main.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Check every record against the schema; exit 1 only on errors."""
    report, _ = _validate(ctx.obj["settings"], ctx.obj["quiet"])
    ctx.exit(1 if report.errors else 0)


@main.command()
@click.pass_context
def generate(ctx: click.Context) -> None:
    """Records -> pages, charts, downloads and the search index under content/ (atomically)."""
    outcome = _generate(ctx.obj["settings"], ctx.obj["quiet"])
    ctx.exit(1 if outcome.report.errors else 0)


@main.command()
@click.option("--no-strict", is_flag=True, help="Let builder warnings (e.g. broken links) pass.")
@click.pass_context
def build(ctx: click.Context, no_strict: bool) -> None:
    """content/ -> site/ with the builder (mkdocs-material or Zensical, see --builder),
    atomically (a failed build keeps the old site/)."""
    settings: Settings = ctx.obj["settings"]
    ctx.exit(0 if _build(settings.but(strict=not no_strict)) else 1)


@main.command()
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path), default=Path("录入模板.xlsx"))
def template(output: Path) -> None:
    """Write the XLSX entry template (项目 and 指标 sheets in the published columns) for
    documents no reader can read; fill it, put it in data/raw/ and list it in sources.yaml."""
    from generator.publish.template import write_template

    write_template(output)
    click.echo(f"wrote {output}: fill the 项目 and 指标 sheets (说明 says how), put it in data/raw/, list it")


@main.command()
@click.pass_context
def site(ctx: click.Context) -> None:
    """All stages in one run: extract, validate, generate, build; one summary line each.

    A bad document or record is reported and left out, and the rest is still published;
    the exit status is 1 when any stage reported an error."""
    settings: Settings = ctx.obj["settings"]
    quiet = ctx.obj["quiet"]
    errors = len(_extract(settings, quiet).errors)
    report, loaded = _validate(settings, quiet)
    errors += len(report.errors)
    outcome = _generate(settings, quiet, loaded)
    errors += len(outcome.report.errors)
    built = outcome.written and _build(settings)
    if not outcome.written:
        click.echo("build skipped: generate failed, site/ left as it was")
    ctx.exit(0 if built and errors == 0 else 1)


@main.command()
@click.argument("query")
@click.option("--region", help="Only this region, e.g. 襄垣县.")
@click.option("--department", help="Only this department: its key (xiangyuan-003) or its name.")
@click.option(
    "--source",
    type=click.Choice([key for key, _ in FUND_SOURCES]),
    help="Only projects with annual funds from this source.",
)
@click.option("--min-amount", type=float, help="Annual funds at least this many yuan.")
@click.option("--max-amount", type=float, help="Annual funds at most this many yuan.")
@click.option(
    "--kind", type=click.Choice(["project", "department", "page"]), help="Only this kind of result."
)
@click.option("--limit", type=int, default=10, show_default=True)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@click.pass_context
def search(
    ctx: click.Context,
    query: str,
    region: str | None,
    department: str | None,
    source: str | None,
    min_amount: float | None,
    max_amount: float | None,
    kind: str | None,
    limit: int,
    fmt: str,
) -> None:
    """Search projects, departments and pages (the index `budget-site generate` builds)."""
    from generator.search import engine, ensure_cli_index, hits_as_rows

    paths: Paths = ctx.obj["paths"]

    def building(n: int) -> None:
        click.echo(f"building the search index of {n} documents (once after each generate)…", err=True)

    if not ensure_cli_index(paths.search_docs, paths.search_index, building):
        click.echo(
            f"no search index at {paths.rel(paths.search_index)}: run `budget-site generate` first", err=True
        )
        ctx.exit(1)
    start = time.perf_counter()
    department = _department_key(paths, department)
    hits = engine.search(
        paths.search_index,
        query,
        limit=limit,
        region=region,
        department=department,
        source=source,
        min_amount=min_amount,
        max_amount=max_amount,
        kind=kind,
    )
    rows = hits_as_rows(hits)
    if hits and not hits[0].exact:  # nothing holds the whole query: say what it may have meant
        from generator.search import analysis

        meant = analysis.suggestion(query, [h.title for h in hits])
        click.echo(f"没有完全符合“{query}”的结果" + (f"；您是不是要找：{meant}" if meant else ""), err=True)
    _print_hits(rows, fmt)
    summary = f"{len(rows)} results for {query!r} in {time.perf_counter() - start:.2f} s"
    click.echo(
        summary if rows else f"没有找到 (no results) for {query!r}: try a shorter word or fewer filters",
        err=fmt != "table",
    )


def _department_key(paths: Paths, department: str | None) -> str | None:
    """Accept a department key or a department name."""
    if not department or "-" in department:
        return department
    from generator.corpus import build_corpus
    from generator.records import load_records
    from generator.sources import load_sources

    corpus = build_corpus(load_records(paths, Report()).records, load_sources(paths, Report()) or [])
    keys = [d.key for d in corpus.departments if department in d.name]
    return keys[0] if keys else department


def _print_hits(rows: list[dict[str, Any]], fmt: str) -> None:
    import csv
    import json

    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["id"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        for n, r in enumerate(rows, 1):
            amount = f"{float(r['amount_yuan']) / 1e4:,.2f}万元" if r["kind"] == "project" else ""
            click.echo(f"{n:>2}. {r['title']}  [{r['region']} · {r['department']}] {amount}  {r['url']}")


def run() -> None:
    """The `budget-site` command: main, set up for a batch run.

    The objects of the imports (modules, classes, pydantic's validators: most of the heap
    before any record is read) are frozen out of every later collection, and a young
    collection runs every 50,000 allocations instead of 700. A rebuild after one
    correction holds thousands of long-lived records and rows that each full collection
    walked again: measured over 5 runs each, 0.9 s of its 6.8 s of CPU. Cycles are still
    collected, later.

    At the end the atexit handlers run (Dask's, logging's, the executors'), the output is
    flushed, and the process ends without freeing its heap object by object: that took
    0.5–0.6 s after a rebuild (mypy ends the same way, for the same reason). Only the
    command does this, not a process that imports main (tests)."""
    batch_gc()
    try:
        main(prog_name="budget-site")
        status: object = 0
    except SystemExit as exc:
        status = exc.code
    if status is not None and not isinstance(status, int):
        click.echo(status, err=True)  # as sys.exit("message") would
        status = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status or 0)


if __name__ == "__main__":
    run()
