"""How the site build grows with the corpus: synthetic corpora made from the real
records at 1×, 10× and 100× (≈51,000 projects), seconds per stage, pages per second,
peak memory and site bytes. Prints figures; never asserts.

    .venv/bin/python bench/scale.py                       # 1x and 10x, with 1 and 2 workers
    .venv/bin/python bench/scale.py 100 --workers=1,2     # 100x (takes a while)
    .venv/bin/python bench/scale.py 10 --build            # and the builder on the result, with
                                                          # its pages on as many processes as workers
    .venv/bin/python bench/scale.py 100 --workers=2 --build=2,1   # or on these process counts
    .venv/bin/python bench/scale.py 10 --default-gc       # Python's own collector settings, not
                                                          # those of `budget-site` (generator.cli.run)
"""

from __future__ import annotations

import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from generator.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def _suffix(name: str, k: int) -> str:
    """A copy's name: the YAML scalar with （第k批） appended, quoted or not."""
    if name[:1] in ("'", '"'):
        return name[:-1] + f"（第{k}批）" + name[-1]
    return f"{name}（第{k}批）"


def make_corpus(root: Path, factor: int) -> int:
    """Copy the real records `factor` times. Copy k (k ≥ 1) is its own set of regions, as a
    province's counties would be: each document is listed again under region "<name>（k）"
    and slug "<slug>-k" (its file linked under a new name), and each record gets its own
    id, name, region and document."""
    from generator.generate import copy_handwritten
    from generator.records import load_yaml

    out = root / "data" / "records"
    out.mkdir(parents=True)
    raw = root / "data" / "raw"
    shutil.copytree(REPO / "data" / "raw", raw)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    copy_handwritten(REPO / "content", root / "content")
    listed = load_yaml(REPO / "data" / "sources.yaml")["sources"]
    entries = [dict(e) for e in listed]
    names = {e["file"]: e["region"] for e in entries}
    for k in range(1, factor):
        for e in listed:
            (raw / f"x{k}-{e['file']}").hardlink_to(raw / e["file"])
            region = f"{e['region']}（{k}）"
            entries.append({**e, "file": f"x{k}-{e['file']}", "region": region, "slug": f"{e['slug']}-{k}"})
    # JSON is YAML: one entry per line keeps the file readable and quick to write
    lines = ",\n".join(json.dumps(e, ensure_ascii=False) for e in entries)
    (root / "data" / "sources.yaml").write_text(f'{{"sources": [\n{lines}\n]}}\n', encoding="utf-8")
    # copies are made on the YAML text (no parse and dump): 51,300 records in seconds
    sources = sorted((REPO / "data" / "records").glob("*.yaml"))
    n = 0
    for k in range(factor):
        for path in sources:
            text = path.read_text(encoding="utf-8")
            pid = path.stem
            if k:
                pid = f"{path.stem}-x{k}"
                text = text.replace(f"project_id: {path.stem}\n", f"project_id: {pid}\n", 1)
                name = re.search(r"^project_name: (.*)$", text, flags=re.M)
                if name:
                    start, end = name.span(1)
                    text = text[:start] + _suffix(name.group(1), k) + text[end:]
                doc = re.search(r"^  file: (.*)$", text, flags=re.M)
                if doc and doc.group(1) in names:
                    start, end = doc.span(1)
                    text = text[:start] + f"x{k}-{doc.group(1)}" + text[end:]
                    old = f"\nregion: {names[doc.group(1)]}\n"
                    text = text.replace(old, f"\nregion: {names[doc.group(1)]}（{k}）\n", 1)
            (out / f"{pid}.yaml").write_text(text, encoding="utf-8")
            n += 1
    return n


def _file_creation_us(folder: Path, n: int = 2000) -> float:
    """Microseconds to create a small file here, before the timed runs (the files are left
    for the scratch tree's cleanup). On a journal-less ext4, such as this machine's, it is
    ten to forty times the usual for minutes after a large deletion (README, Scaling): a
    figure that says whether the run's times can be compared with others'."""
    folder.mkdir()
    start = time.perf_counter()
    for i in range(n):
        (folder / f"{i}.txt").write_bytes(b"x" * 2000)
    return round((time.perf_counter() - start) / n * 1e6, 1)


def _tree_digest(folder: Path) -> str:
    """Every file's path under the folder and bytes (not the folder's own name)."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(f"\0{path.relative_to(folder).as_posix()}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_one(factor: int, workers: list[int], build: list[int], default_gc: bool = False) -> dict[str, object]:
    """One corpus; generate once per worker count, each cold (its own cache and content/)
    and in a process of its own (its peak memory its own, not the corpus-making's), and
    compare the content/ trees byte for byte; then build the first content/ with the
    builder's pages on each of `build`'s process counts, and compare those sites."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        n = make_corpus(root, factor)
        made_peak = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        creating = _file_creation_us(root / "probe")
        runs = []
        for w in workers:
            shutil.copytree(root / "content", root / f"content-{w}")
            flags = ["--default-gc"] if default_gc else []
            runs.append(_in_child("--generate-here", str(root), str(w), *flags))
            if w != workers[0] or not build:  # what this run made: not needed again
                shutil.rmtree(root / f"cache-{w}", ignore_errors=True)
            if w != workers[0]:
                shutil.rmtree(root / f"content-{w}", ignore_errors=True)
        out: dict[str, object] = {
            "factor": factor,
            "projects": n,
            "runs": runs,
            **({"identical": len({r["digest"] for r in runs}) == 1} if len(runs) > 1 else {}),
            "corpus_peak_mb": made_peak,
            "file_creation_us": creating,
        }
        if build:
            # the first run's content/ and cache, where `make site` has them: the builder
            # finds generate's stamp (build._content)
            shutil.rmtree(root / "content")
            (root / f"content-{workers[0]}").rename(root / "content")
            (root / f"cache-{workers[0]}").rename(root / ".cache")
            builds = [_build_in_child(root, w) for w in build]
            digests = {_tree_digest(root / f"site-{w}") for w in build}
            out.update(builds=builds)
            if len(build) > 1:  # one site is identical to nothing
                out.update(sites_identical=len(digests) == 1)
        # printed before the scratch tree (a million files at 100×) is deleted
        print(json.dumps(out), flush=True)
        return out


class Descendants:
    """The peak resident memory (VmHWM) of each process this one starts while in the `with`
    block, read every `every` seconds: the Dask workers (shards and corpus-wide tables, whose
    own reports cover the shards only), the YAML parsing pool, 相似项目's forked workers. A
    forked process's figure counts the pages it shares with this one."""

    def __init__(self, every: float = 0.5) -> None:
        self.every, self.peaks, self.kinds = every, {}, {}  # pid -> MB, pid -> how it was started
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        import psutil  # a dependency of dask.distributed

        me = psutil.Process()
        while not self._stop.wait(self.every):
            for child in me.children(recursive=True):
                try:
                    status = Path(f"/proc/{child.pid}/status").read_text()
                except OSError:  # ended meanwhile
                    continue
                if found := re.search(r"^VmHWM:\s+(\d+) kB", status, flags=re.M):
                    mb = round(int(found.group(1)) / 1024)
                    self.peaks[child.pid] = max(self.peaks.get(child.pid, 0), mb)
                    if child.pid not in self.kinds:
                        self.kinds[child.pid] = self._kind(child)

    @staticmethod
    def _kind(child: Any) -> str:
        """spawned: a fresh interpreter (Dask's workers); forked: a copy of its parent (the
        YAML pool, 相似项目's workers), whose peak counts the pages it shares."""
        try:
            return "forked" if child.cmdline() == child.parent().cmdline() else "spawned"
        except Exception:  # ended meanwhile
            return "?"

    def __enter__(self) -> Descendants:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def top(self, n: int = 6) -> list[str]:
        largest = sorted(self.peaks, key=lambda pid: -self.peaks[pid])[:n]
        return [f"{self.peaks[pid]} ({self.kinds.get(pid, '?')})" for pid in largest]


def generate_here(root: Path, w: int) -> dict[str, object]:
    """generate on `root`'s corpus with w workers into content-<w>, in this process."""
    from generator.generate import run_generate

    content = root / f"content-{w}"
    settings = Settings(root=root, cache=root / f"cache-{w}", workers=w)
    t0 = time.perf_counter()
    with Descendants() as children:
        gen = run_generate(settings, content=content)
    seconds = round(time.perf_counter() - t0, 1)
    per_worker: dict[str, int] = {}
    for r in gen.shard_results:
        per_worker[r.worker] = max(per_worker.get(r.worker, 0), r.peak_mb)
    made = [r.seconds for r in gen.shard_results if not r.cached]
    return {
        "workers": w,
        "generate_s": seconds,
        "steps": gen.seconds,
        "pages": gen.pages,
        "shards": len(gen.shard_results),
        "shard_s_mean": round(sum(made) / max(1, len(made)), 2),
        "shard_s_max": max(made, default=0),
        "worker_peak_mb": sorted(per_worker.values(), reverse=True),
        "generate_peak_mb": _process_peak_mb(),
        "children_peak_mb": children.top(),
        "digest": _tree_digest(content),
    }


def _process_peak_mb() -> int:
    status = Path("/proc/self/status").read_text()
    return round(int(re.search(r"^VmHWM:\s+(\d+) kB", status, flags=re.M).group(1)) / 1024)  # type: ignore[union-attr]


def _build_option(args: list[str], workers: str) -> list[int]:
    """--build: the builder with as many processes as each worker count; --build=2,1: these."""
    for arg in args:
        if arg == "--build":
            return [int(w) for w in workers.split(",")]
        if arg.startswith("--build="):
            return [int(w) for w in arg.split("=", 1)[1].split(",")]
    return []


def _in_child(*args: str) -> dict[str, object]:
    """This script run with `args` in a process of its own (its peak memory its own): the
    JSON figures it prints last, printed again at once (a long run killed later keeps them)."""
    command = [sys.executable, __file__, *args]
    out = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    print(json.dumps(result, ensure_ascii=False), file=sys.stderr, flush=True)
    return result


def _build_in_child(root: Path, workers: int) -> dict[str, object]:
    """build_site with its pages on `workers` processes: seconds, and the peak resident set
    of the main process and of its workers."""
    return _in_child("--build-site", str(root), str(workers))


def build_site_here(root: Path, workers: int) -> dict[str, object]:
    from generator.build import build_site

    t0 = time.perf_counter()
    # generate's cache, as `make site`: the builder reads generate's stamp there (build._content);
    # a build into another site_dir is never skipped as unchanged
    settings = Settings(root=root, strict=False, workers=workers)
    with Descendants() as children:
        built = build_site(settings, site_dir=root / f"site-{workers}")
    return {
        "workers": workers,
        "build_s": round(time.perf_counter() - t0, 1),
        "pages": built.pages,
        "site_mb": round(built.bytes / 1e6, 1),
        "warnings": len(built.warnings),
        "steps_s": built.seconds,
        "main_peak_mb": _process_peak_mb(),
        "children_peak_mb": children.top(),
        "worker_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def main(factors: list[int], workers: list[int], build: list[int], default_gc: bool = False) -> None:
    for factor in factors:
        # one process per size, so the main process's peak memory is that size's own
        cmd = [sys.executable, __file__, "--one", str(factor), ",".join(map(str, workers))]
        flags = [*([f"--build={','.join(map(str, build))}"] if build else [])]
        flags += ["--default-gc"] if default_gc else []
        out = subprocess.run([*cmd, *flags], capture_output=True, text=True, cwd=REPO)
        if out.returncode:
            print(out.stderr[-3000:])
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{r['factor']}x: {r['projects']} projects, peak {r['corpus_peak_mb']} MB making the corpus")
        print(f"  creating a file before the runs: {r['file_creation_us']} µs (a settled file system: ~25)")
        for run in r["runs"]:
            steps = ", ".join(f"{k} {v} s" for k, v in run["steps"].items())
            print(
                f"  {run['workers']} worker(s): generate {run['generate_s']} s ({steps}); "
                f"{run['pages']} pages, "
                f"{run['shards']} shards (mean {run['shard_s_mean']} s, longest {run['shard_s_max']} s); "
                f"peak {run['generate_peak_mb']} MB (its process), workers {run['worker_peak_mb']} MB; "
                f"largest peaks of the processes it started (polled) {run.get('children_peak_mb')} MB"
            )
        if "identical" in r:  # one worker count: nothing to compare
            print(f"  content/ identical across worker counts: {r['identical']}")
        for b in r.get("builds", []):
            print(
                f"  builder, pages on {b['workers']} process(es): {b['build_s']} s "
                f"({', '.join(f'{k} {v} s' for k, v in b.get('steps_s', {}).items())}), {b['pages']} pages, "
                f"{b['warnings']} warnings, "
                f"site {b['site_mb']} MB, peak {b['main_peak_mb']} MB (main), "
                f"{b['worker_peak_mb']} MB (workers; polled: {b.get('children_peak_mb')} MB)"
            )
        if "sites_identical" in r:
            print(f"  site/ identical across process counts: {r['sites_identical']}")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--build-site"]:
        from generator.settings import batch_gc

        batch_gc()  # as `budget-site build` runs
        print(json.dumps(build_site_here(Path(args[1]), int(args[2]))))
    elif args[:1] == ["--generate-here"]:
        if "--default-gc" not in args:  # as `budget-site` runs generate (generator.cli.run)
            from generator.settings import batch_gc

            batch_gc()
        print(json.dumps(generate_here(Path(args[1]), int(args[2])), ensure_ascii=False))
    elif args[:1] == ["--one"]:
        workers = [int(w) for w in args[2].split(",")]
        run_one(int(args[1]), workers, _build_option(args, args[2]), "--default-gc" in args)
    else:
        default_gc = "--default-gc" in args
        given = [a for a in args if not a.startswith("--")]
        ws = next((a.split("=", 1)[1] for a in args if a.startswith("--workers=")), "1,2")
        factors, counts = [int(a) for a in given] or [1, 10], [int(w) for w in ws.split(",")]
        main(factors, counts, _build_option(args, ws), default_gc)
