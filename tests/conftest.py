from __future__ import annotations

import shutil
from pathlib import Path

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
