"""National scale, projected: a synthetic corpus of 2,800 regions (about 1.5 million
projects), partitioned as generate partitions it, with its shard plan printed; a sample of
its shards made for real to measure what a shard costs; and the projected wall time of
generate on 2, 16 and 128 cores, and of the builder (mkdocs, its pages on as many
processes). Prints figures; never asserts.

    .venv/bin/python bench/national.py            # 2,800 regions, 12 sample shards
    .venv/bin/python bench/national.py 2800 20    # regions, sample shards

Only the sizes are synthetic: regions and departments get seeded log-normal sizes, as a
country's counties and their departments vary. The sampled shards are real shards
(generator.generate.shards.render_shard) of regions made from the seed records, copied
under new ids, at the sampled sizes. A shard's cost is fitted as a + b × projects, one
line for department shards and one for region-level shards; the national steps (similar
projects, the search index's merge, the national pages, the corpus-wide tables) are
measured on the sample and scaled per project. The builder's cost per page is measured
by building the seed corpus's site on one process; its pages (one per project, department
and region) are divided among the cores of one machine (generator.build_pages), so its
128-core figure is that of a 128-core machine: the builder does not run on a cluster.
"""

from __future__ import annotations

import heapq
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from generator.generate.shards import PART_PROJECTS
from generator.search import BUCKETS

REPO = Path(__file__).resolve().parent.parent
TOTAL = 1_500_000  # projects a year in a national portal (issue 13)
CORES = (2, 16, 128)
EXCEL_ROWS = 1_048_576
TABLE_TASK = "corpus-wide table"  # the rates of the corpus-wide tables' tasks start so


def region_sizes(regions: int, seed: int = 2026) -> list[list[int]]:
    """Per region, its departments' project counts: regions log-normal around TOTAL/regions,
    departments log-normal around 8 projects (1 to 300)."""
    rng = random.Random(seed)
    mean = TOTAL / regions
    raw = [rng.lognormvariate(math.log(mean) - 0.18, 0.6) for _ in range(regions)]
    scale = TOTAL / sum(raw)
    out = []
    for r in raw:
        target, depts = max(10, round(r * scale)), []
        while sum(depts) < target:
            depts.append(min(300, max(1, round(rng.lognormvariate(math.log(8), 1.0)))))
        depts[-1] -= sum(depts) - target
        out.append([d for d in depts if d > 0])
    return out


def plan(sizes: list[list[int]]) -> list[tuple[int, str, int]]:
    """(region, kind, projects) per shard, as generator.generate.shards.plan cuts them."""
    from generator.generate.shards import part_groups

    out = []
    for n, depts in enumerate(sizes):
        groups = part_groups(depts)
        if len(groups) == 1:
            out.append((n, "whole", sum(depts)))
            continue
        out.append((n, "region", sum(depts)))
        out += [(n, "departments", sum(depts[i] for i in g)) for g in groups]
    return out


def _synthetic_corpus(depts: list[int], slug: str, tmp: Path):
    """A region of the given department sizes, from the seed records copied under new ids."""
    from generator.corpus import build_corpus
    from generator.paths import Paths
    from generator.problems import Report
    from generator.records import load_records
    from generator.sources import load_sources

    paths = Paths(REPO)
    seeds = load_records(paths, Report()).records
    source = (load_sources(paths, Report()) or [])[0]
    mine = source.model_copy(update={"slug": slug, "region": f"样本{slug}", "file": f"{slug}.txt"})
    records, k = [], 0
    for d, size in enumerate(depts):
        for _ in range(size):
            seed = seeds[k % len(seeds)]
            records.append(
                seed.model_copy(
                    update={
                        "project_id": f"2024-{slug}-{d:03d}-{k:010d}",
                        "department_code": f"{d:03d}",
                        "department_name": f"样本部门{d}",
                        "source": seed.source.model_copy(update={"file": mine.file}),
                    }
                )
            )
            k += 1
    return build_corpus(records, [mine], {mine.file: "0" * 64})


def measure(sample: list[tuple[int, str, int]], sizes: list[list[int]]) -> dict[str, list[tuple[int, float]]]:
    """Make each sampled shard's region for real; (projects, seconds) per shard kind."""
    from generator.generate import shards
    from generator.paths import Paths
    from generator.settings import Settings

    templates = Paths(REPO).templates
    out: dict[str, list[tuple[int, float]]] = {"region": [], "departments": [], "whole": []}
    with tempfile.TemporaryDirectory() as tmp:
        for n, (region, kind, projects) in enumerate(sample):
            corpus = _synthetic_corpus(sizes[region], f"s{n}", Path(tmp))
            served = corpus.regions[0].documents[0].served
            text = Path(tmp) / f"s{n}.txt"  # the served copy's text, as sources.served_copy leaves it
            text.write_text("样本文档\n", encoding="utf-8")
            docs = {corpus.regions[0].documents[0].source.file: ("0" * 64, text)}
            planned = shards.plan(corpus, {}, docs, templates, Settings().build_date)
            pick = [s for s in planned if (kind == "region") == (s.region_level and not s.departments)]
            pick = [s for s in pick if kind != "departments" or s.projects == projects] or pick
            shard = pick[0]
            start = time.perf_counter()
            shards.render_shard(shard, Path(tmp) / "shards")
            seconds = time.perf_counter() - start
            out[kind].append((projects, seconds))
            print(f"    sample {n + 1:>2}: {kind:<11} {projects:>5} projects  {seconds:6.2f} s  ({served})")
    return out


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least squares a + b × projects (b alone from the mean when all sizes are equal)."""
    if len(points) < 2 or len({p for p, _ in points}) < 2:
        p, s = points[0] if points else (1, 0.0)
        return 0.0, s / max(1, p)
    slope, intercept = statistics.linear_regression([p for p, _ in points], [s for _, s in points])
    return max(0.0, intercept), max(slope, 0.0)


def makespan(costs: list[float], cores: int) -> float:
    """Longest-first list scheduling (what a work-stealing scheduler approaches)."""
    loads = [0.0] * cores
    for c in sorted(costs, reverse=True):
        heapq.heapreplace(loads, loads[0] + c)
    return max(loads)


def national_rates(sample_corpus_projects: int) -> dict[str, float]:
    """Seconds per project of the national steps, measured on the seed corpus ×4 in regions."""
    from generator.corpus import build_corpus
    from generator.generate.pages import write_national_pages
    from generator.generate.similar import similar_projects
    from generator.paths import Paths
    from generator.problems import Report
    from generator.records import load_records
    from generator.search import documents, postings
    from generator.search.merge import merge_parts
    from generator.sources import load_sources

    paths = Paths(REPO)
    corpus = build_corpus(load_records(paths, Report()).records, load_sources(paths, Report()) or [])
    n = len(corpus.projects)
    rates: dict[str, float] = {}
    import datasketch  # noqa: F401  (similar imports it on first use: not a per-project cost)

    start = time.perf_counter()
    similar_projects(corpus)
    rates["similar"] = (time.perf_counter() - start) / n
    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(corpus, Path(tmp))
        weighed = {d.id: postings.doc_weights(d) for d in docs}
        index = {d.id: n for n, d in enumerate(docs)}
        start = time.perf_counter()
        merge_parts({"all": lambda: weighed}, index, len(docs), "")  # the 16 merge_bucket tasks in all
        rates["search merge"] = (time.perf_counter() - start) / n
        start = time.perf_counter()
        write_national_pages(corpus, paths.templates, Path(tmp))
        rates["national pages"] = (time.perf_counter() - start) / n
        from generator.publish import TABLE_TASKS, WRITERS, _tables_for
        from generator.publish.schema import TABLES
        from generator.publish.tables import ProjectRows

        tables = _tables_for(corpus.projects, corpus.departments, ProjectRows())
        for name, formats in TABLE_TASKS:  # each one task of generate's (publish_table)
            start = time.perf_counter()
            for ext, writer in WRITERS:
                if ext in formats:
                    writer(Path(tmp) / f"{name}.{ext}", TABLES[name], tables[name], "2024-01-01")
            rates[f"{TABLE_TASK} {name}.{'/'.join(formats)}"] = (time.perf_counter() - start) / n
        rates["indicator rows per project"] = len(tables["indicators"]) / n
    return rates


def builder_rate() -> tuple[float, int]:
    """Seconds per page of the mkdocs builder on one process, and the pages, on the seed
    corpus's site (generated into a scratch project)."""
    sys.path.insert(0, str(REPO))
    from bench.scale import make_corpus
    from generator.build import build_site
    from generator.generate import run_generate
    from generator.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_corpus(root, 1)
        run_generate(Settings(root=root))
        start = time.perf_counter()
        built = build_site(Settings(root=root, strict=False, workers=1))
        return (time.perf_counter() - start) / built.pages, built.pages


def main(regions: int, samples: int) -> None:
    sizes = region_sizes(regions)
    shards = plan(sizes)
    projects = sum(map(sum, sizes))
    per_shard = sorted(p for _, kind, p in shards if kind != "region")
    departments = sum(map(len, sizes))
    print(
        f"synthetic national corpus: {regions:,} regions, {departments:,} departments, {projects:,} projects"
    )
    kinds = {k: sum(1 for _, kind, _ in shards if kind == k) for k in ("whole", "region", "departments")}
    print(
        f"shard plan: {len(shards):,} shards = {kinds['whole']:,} whole regions + "
        f"{kinds['region']:,} region-level + {kinds['departments']:,} department groups "
        f"(about {PART_PROJECTS} projects each)"
    )
    q = statistics.quantiles(per_shard, n=10)
    print(
        f"  projects per shard (without region-level): min {per_shard[0]}, "
        f"median {statistics.median(per_shard):.0f}, p90 {q[-1]:.0f}, max {per_shard[-1]}"
    )
    # a deterministic sample across the sizes: two thirds department groups, a third regions
    sample = []
    for kind, k in (("departments", samples - samples // 3), ("region", samples // 3)):
        ordered = sorted((s for s in shards if s[1] == kind), key=lambda s: s[2])
        step = max(1, len(ordered) // max(1, k))
        sample += ordered[step // 2 :: step][:k]
    print(f"measuring {len(sample)} sample shards (made for real, one process):")
    measured = measure(sample, sizes)
    fits = {k: fit(v) for k, v in measured.items() if v}
    fits.setdefault("whole", fits.get("departments", (0.0, 0.0)))
    fits.setdefault("departments", fits["whole"])
    fits.setdefault("region", fits["departments"])
    for k, (a, b) in fits.items():
        print(f"  fitted {k:<11}: {a:.2f} s + {b * 1000:.1f} ms per project")
    costs = [fits[kind][0] + fits[kind][1] * p for _, kind, p in shards]
    rates = national_rates(projects)
    serial = {k: v * projects for k, v in rates.items() if k != "indicator rows per project"}
    print("national steps, scaled per project from the seed corpus:")
    for k, v in serial.items():
        print(f"  {k:<36} {v / 60:8.1f} min")
    indicator_rows = rates["indicator rows per project"] * projects
    print(
        f"  corpus-wide indicators table: {indicator_rows:,.0f} rows; an XLSX sheet holds "
        f"{EXCEL_ROWS:,}, so it needs {math.ceil(indicator_rows / (EXCEL_ROWS - 2))} sheets"
    )
    print(f"shard work in all: {sum(costs) / 3600:.1f} core-hours; the longest shard {max(costs):.1f} s")
    # the corpus-wide tables are tasks of their own, side by side (publish.TABLE_TASKS)
    table_tasks = [serial.pop(k) for k in [k for k in serial if k.startswith(TABLE_TASK)]]
    merge = serial.pop("search merge")
    per_page, seed_pages = builder_rate()
    pages = projects + departments + regions + 10  # and the national pages
    print(
        f"builder: {per_page * 1000:.1f} ms per page on one process (the seed site, {seed_pages} pages); "
        f"{pages:,} pages: {per_page * pages / 3600:.1f} core-hours"
    )
    for cores in CORES:
        shard_phase = makespan(costs, cores)
        # the search merge is BUCKETS tasks: divided by the cores, up to BUCKETS
        national = sum(serial.values()) + merge / min(cores, BUCKETS)
        builder = per_page * pages / cores
        tables = makespan(table_tasks, cores)
        wall = shard_phase + tables + national + builder
        print(
            f"  {cores:>3} cores: shards {shard_phase / 60:7.1f} min + corpus-wide tables "
            f"{tables / 60:.1f} min + national steps {national / 60:.1f} min "
            f"+ builder {builder / 60:.1f} min = {wall / 60:7.1f} min ({wall / 3600:.2f} h)"
        )


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 2800, args[1] if len(args) > 1 else 12)
