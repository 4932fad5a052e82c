"""Bar charts as static SVG: no JavaScript, no network, readable on a 375-px phone
(labels sit above their bars, the drawing scales to the page width). Every chart is
shown next to a table with the same numbers."""

from __future__ import annotations

from html import escape

from generator.generate.fmt import wan

_W = 360  # viewBox width ≈ a phone column, so 13-unit text stays 13 px on a 375-px screen
_BAR_H = 14
_ROW_H = 40
_PAD = 8
_LABEL_MAX = 25  # characters of a label shown before "…" (25 × 13 px fits 344 px)


def _label(text: str) -> str:
    return text if len(text) <= _LABEL_MAX else text[: _LABEL_MAX - 1] + "…"


def bar_chart(items: list[tuple[str, float]], title: str) -> str:
    """Horizontal bars of amounts in yuan, largest first as given."""
    top = max((v for _, v in items), default=0) or 1
    height = _PAD * 2 + 24 + _ROW_H * len(items)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="{_PAD}" y="{_PAD + 16}" font-size="15" font-weight="bold" fill="#222">'
        f"{escape(title)}</text>",
    ]
    for n, (label, value) in enumerate(items):
        y = _PAD + 24 + n * _ROW_H
        width = max(1.0, (_W - 2 * _PAD) * value / top)
        out.append(f'<text x="{_PAD}" y="{y + 16}" font-size="13" fill="#333">{escape(_label(label))}</text>')
        out.append(f'<rect x="{_PAD}" y="{y + 22}" width="{width:.1f}" height="{_BAR_H}" fill="#3f6ec6"/>')
        text_x = min(_PAD + width + 4, _W - _PAD)
        anchor = "end" if text_x >= _W - 80 else "start"
        fill = "#fff" if anchor == "end" else "#333"
        x = _PAD + width - 4 if anchor == "end" else text_x
        out.append(
            f'<text x="{x:.1f}" y="{y + 34}" font-size="11" text-anchor="{anchor}" '
            f'fill="{fill}">{escape(wan(value))}</text>'
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def chart_alt(items: list[tuple[str, float]], title: str, shown: int = 10) -> str:
    """The chart as words for a screen reader and a reader without images: the title and
    the first bars' labels and amounts."""
    parts = [f"{label} {wan(value)}" for label, value in items[:shown]]
    more = f"，另有 {len(items) - shown} 项见下表" if len(items) > shown else ""
    return f"{title}：{'；'.join(parts)}{more}" if parts else title
