from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.paths import Paths

REPO = Path(__file__).resolve().parent.parent
RAW = REPO / "data" / "raw"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

REAL_SOURCES = {
    "000_6bdd23b08ba68985.txt": ("山西省", "繁峙县", "fanshi"),
    "001_b05b28ee3a1316ba.txt": ("山西省", "襄垣县", "xiangyuan"),
    "002_267eabc4729ba3a5.txt": ("山西省", "阳泉高新区", "yangquan-gxq"),
    "003_da816537205eaa38.txt": ("山西省", "中阳县", "zhongyang"),
    "004_1edcff210bf438b5.txt": ("河北省", "怀来县", "huailai"),
}


def sources_yaml(entries: list[tuple[str, str, str, str]]) -> str:
    """entries: (file, province, region, slug)."""
    out = ["sources:"]
    for file, province, region, slug in entries:
        out += [
            f"  - file: {file}",
            f"    province: {province}",
            f"    region: {region}",
            f"    slug: {slug}",
            "    year: 2024",
            "    publisher: 测试",
            "    title: 测试文件",
        ]
    return "\n".join(out) + "\n"


@pytest.fixture
def make_project(tmp_path: Path):
    """A project root in tmp with the given raw files (name -> source Path) listed in sources.yaml."""

    def make(files: dict[str, Path], region: str = "测试县", slug: str = "test") -> Paths:
        raw = tmp_path / "data" / "raw"
        raw.mkdir(parents=True, exist_ok=True)
        entries = []
        for name, src in files.items():
            shutil.copyfile(src, raw / name)
            province, reg, slg = REAL_SOURCES.get(name, ("测试省", region, slug))
            entries.append((name, province, reg, slg))
        (tmp_path / "data" / "sources.yaml").write_text(sources_yaml(entries), encoding="utf-8")
        return Paths(tmp_path)

    return make


@dataclass(frozen=True)
class CorpusSite:
    """The site built from the real seed corpus, served on 127.0.0.1."""

    paths: Paths
    base_url: str
    generated: Any  # generate's GenerateOutcome
    built: Any  # build's outcome (pages, warnings)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory) -> Iterator[CorpusSite]:
    """The full corpus (data/, templates/, mkdocs.yml and the hand-written content/ of this
    checkout) generated and built once per session, like
    test_site.py::test_strict_build_of_the_full_corpus, and served by a local HTTP server."""
    from generator.build import build_site
    from generator.generate import copy_handwritten, run_generate
    from generator.settings import Settings

    root = tmp_path_factory.mktemp("corpus-site")
    for name in ("data", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    copy_handwritten(REPO / "content", root / "content")
    generated = run_generate(Settings(root=root))
    built = build_site(Settings(root=root))
    assert (root / "site" / "index.html").is_file(), "the full corpus did not build"
    handler = functools.partial(_QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield CorpusSite(Paths(root), f"http://127.0.0.1:{server.server_address[1]}", generated, built)
    server.shutdown()
    server.server_close()
