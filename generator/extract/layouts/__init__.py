"""One module per document layout.

Every layout module exposes:

    NAME: str                                   # e.g. "pdf_text"
    def detect(lines: list[str]) -> bool        # cheap signature check on the whole file
    def extract(lines: list[str], file: str) -> LayoutResult

`lines` is the decoded file split on "\\n" (line N of the file is lines[N-1]);
`file` is the file name inside data/raw/. A layout returns one ExtractedTable per
table it found (failed ones included, with record=None and a reason), filling
every record field the table carries. The pipeline (generator.extract) adds
year/province/region from data/sources.yaml, the project id, the generic
quality flags, and the maintainers' corrections.
"""

from __future__ import annotations

from types import ModuleType

from generator.extract.layouts import dept_disclosure, pdf_text, tsv_continued, tsv_varying, word_cells

# Order matters: the first layout whose detect() is true wins, so the most
# specific signatures come first.
LAYOUTS: tuple[ModuleType, ...] = (word_cells, dept_disclosure, pdf_text, tsv_continued, tsv_varying)


def detect_layout(lines: list[str]) -> ModuleType | None:
    for layout in LAYOUTS:
        if layout.detect(lines):
            return layout
    return None
