"""budget-site: a thin click CLI over the stage functions.

Every command ends with one summary line; problems are printed as
`file:line: severity: message [code]` with a hint, to stderr.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

import click

from generator.paths import Paths
from generator.problems import Report

log = logging.getLogger("budget_site")
T = TypeVar("T")


def _progress(items: Iterable[T]) -> Iterable[T]:
    """A progress bar on a terminal, nothing otherwise (CI logs stay clean)."""
    from tqdm import tqdm

    return tqdm(list(items), disable=not sys.stderr.isatty(), unit="doc", leave=False)


def _print_problems(report: Report, quiet: bool) -> None:
    for issue in report.sorted():
        if quiet and issue.severity != "error":
            continue
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
@click.pass_context
def main(ctx: click.Context, root: Path, quiet: bool) -> None:
    """Budget disclosure site: extract, validate and publish project performance targets."""
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    ctx.obj = {"paths": Paths(root), "quiet": quiet}


@main.command()
@click.pass_context
def extract(ctx: click.Context) -> None:
    """Published documents in data/raw/ -> records in data/records/."""
    from generator.extract import run_extract

    paths: Paths = ctx.obj["paths"]
    start = time.perf_counter()
    outcome = run_extract(paths, progress=_progress)
    _print_problems(outcome.report, ctx.obj["quiet"])
    s = outcome.stats
    click.echo(
        f"extracted {len(outcome.records)} projects from {len(s)} documents "
        f"({sum(x.tables_found for x in s)} tables, {sum(x.merged for x in s)} merged, "
        f"{sum(x.partial for x in s)} partial, {sum(x.failed for x in s)} failed), "
        f"{outcome.corrections_applied} corrections, {len(outcome.report.errors)} errors, "
        f"{len(outcome.report.warnings)} warnings in {time.perf_counter() - start:.1f} s"
    )
    # a document that could not be read is an error, but the others were written
    ctx.exit(1 if outcome.report.errors else 0)


@main.command()
@click.pass_context
def validate(ctx: click.Context) -> None:
    """Check every record against the schema; exit 1 only on errors."""
    from generator.validate import run_validate

    start = time.perf_counter()
    report, n = run_validate(ctx.obj["paths"])
    _print_problems(report, ctx.obj["quiet"])
    click.echo(
        f"validated {n} records: {len(report.errors)} errors, {len(report.warnings)} warnings "
        f"in {time.perf_counter() - start:.1f} s"
    )
    ctx.exit(1 if report.errors else 0)


@main.command()
@click.pass_context
def generate(ctx: click.Context) -> None:
    """Records -> Markdown pages and charts under content/."""
    from generator.generate import run_generate

    start = time.perf_counter()
    outcome = run_generate(ctx.obj["paths"])
    _print_problems(outcome.report, ctx.obj["quiet"])
    click.echo(
        f"generated {outcome.pages} pages: {outcome.projects} projects, {outcome.departments} departments, "
        f"{outcome.regions} regions in {time.perf_counter() - start:.1f} s"
    )
    ctx.exit(1 if outcome.report.errors else 0)


@main.command()
@click.option("--no-strict", is_flag=True, help="Let mkdocs warnings (e.g. broken links) pass.")
@click.pass_context
def build(ctx: click.Context, no_strict: bool) -> None:
    """content/ -> site/ with mkdocs-material, atomically (a failed build keeps the old site/)."""
    from generator.build import BuildFailed, build_site

    start = time.perf_counter()
    try:
        outcome = build_site(ctx.obj["paths"], strict=not no_strict)
    except BuildFailed as exc:
        click.echo(f"build failed, site/ left as it was: {exc}", err=True)
        ctx.exit(1)
    click.echo(
        f"built {outcome.pages} pages, {outcome.bytes / 1e6:.1f} MB, {len(outcome.warnings)} warnings "
        f"in {time.perf_counter() - start:.1f} s"
    )


if __name__ == "__main__":
    main()
