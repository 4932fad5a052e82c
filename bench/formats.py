"""Reading speed per format, and a long PDF end to end.

1. Each committed format fixture (tests/fixtures/formats/: Word, PDF, Excel, Excel 97, HTML)
   is read REPEAT times; prints tables/s and pages/s (PDF) per format.
2. A PDF of at least PAGES pages is made by joining the fixture PDFs (pypdf) over and over,
   the way a county's 300-page budget book joins one department's tables after another;
   `extract` runs on it cold (no cache) and then warm, printing pages, records, seconds,
   pages/s and peak memory.

    .venv/bin/python bench/formats.py            # 300 pages
    .venv/bin/python bench/formats.py 600        # a longer book
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from generator.extract import run_extract
from generator.paths import Paths
from generator.readers import reader_for

REPO = Path(__file__).resolve().parent.parent
FORMATS = REPO / "tests" / "fixtures" / "formats"
FIXTURES = {
    "Word (.docx)": ["shanxi.docx", "shanghai.docx", "sichuan.docx", "continued.docx"],
    "PDF": ["shanxi.pdf", "shanghai.pdf", "sichuan.pdf", "continued.pdf", "borderless.pdf"],
    "Excel (.xlsx)": ["families.xlsx"],
    "Excel 97 (.xls)": ["families.xls"],
    "HTML": ["shanxi.html", "shanghai.html", "sichuan.html"],
}
REPEAT = 5


def per_format() -> None:
    print(f"{'format':16} {'tables/s':>9} {'pages/s':>8}  (each fixture read {REPEAT} times)")
    for fmt, names in FIXTURES.items():
        tables = pages = 0
        start = time.perf_counter()
        for _ in range(REPEAT):
            for name in names:
                path = FORMATS / name
                reader = reader_for(path)
                assert reader is not None, name
                reading = reader(path, name)
                tables += len(reading.tables)
                pages += reading.pages
        seconds = time.perf_counter() - start
        rate = f"{pages / seconds:8.1f}" if pages else f"{'—':>8}"
        print(f"{fmt:16} {tables / seconds:9.1f} {rate}")


def long_pdf(path: Path, pages: int) -> int:
    writer = PdfWriter()
    while len(writer.pages) < pages:
        for name in FIXTURES["PDF"]:
            writer.append(PdfReader(FORMATS / name))
    with path.open("wb") as f:
        writer.write(f)
    return len(writer.pages)


def book(pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "data" / "raw").mkdir(parents=True)
        made = long_pdf(root / "data" / "raw" / "book.pdf", pages)
        (root / "data" / "sources.yaml").write_text(
            "sources:\n  - file: book.pdf\n    province: 测试省\n    region: 测试县\n    slug: test\n"
            "    year: 2024\n    publisher: 测试\n    title: 测试文件\n",
            encoding="utf-8",
        )
        for run in ("cold", "warm"):
            start = time.perf_counter()
            outcome = run_extract(Paths(root))
            seconds = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{run}: {made}-page PDF -> {len(outcome.records)} records in {seconds:.1f} s "
                f"({made / seconds:.1f} pages/s), peak memory {peak:.0f} MB"
            )


if __name__ == "__main__":
    per_format()
    book(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
