"""Bar charts as static SVG: no JavaScript, no network, readable on a 375-px phone
(labels above their bars and amounts at their ends in fixed-size text; the bars take
the page's width). Every chart is shown next to a table with the same numbers."""

from __future__ import annotations

from html import escape

from generator.generate.fmt import wan

_BAR_H = 18
_ROW_H = 46
_PAD = 8
_FONT = 14  # px, in any width: the drawing has no viewBox, so its text never shrinks
_LABEL_MAX = 23  # characters of a label before "…": 23 × 14 px fits a 343-px phone column
_INSIDE = 60  # per cent: a bar at least this long carries its amount inside, in white


def _label(text: str) -> str:
    return text if len(text) <= _LABEL_MAX else text[: _LABEL_MAX - 1] + "…"


def bar_chart(items: list[tuple[str, float]], title: str) -> str:
    """Horizontal bars of amounts in yuan, largest first as given. The drawing takes the
    page's width (bars in per cent of it) while its text stays at 14-15 px, so a phone
    shows it as readable as a desktop: each label on its own line, the amount at the end
    of its bar (inside a long one)."""
    top = max((v for _, v in items), default=0) or 1
    height = _PAD * 2 + 26 + _ROW_H * len(items)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif">',
        f"<title>{escape(title)}</title>",
        f'<text x="{_PAD}" y="{_PAD + 16}" font-size="15" font-weight="bold" fill="#212121">'
        f"{escape(title)}</text>",
    ]
    for n, (label, value) in enumerate(items):
        y = _PAD + 26 + n * _ROW_H
        share = max(0.5, 96 * value / top)
        out.append(
            f'<text x="{_PAD}" y="{y + 16}" font-size="{_FONT}" fill="#212121">{escape(_label(label))}</text>'
        )
        out.append(f'<rect x="2%" y="{y + 22}" width="{share:.2f}%" height="{_BAR_H}" fill="#3f51b5"/>')
        inside = share >= _INSIDE
        x, dx = (2 + share, -6) if inside else (2 + share, 6)
        out.append(
            f'<text x="{x:.2f}%" dx="{dx}" y="{y + 36}" font-size="13" font-weight="bold" '
            f'text-anchor="{"end" if inside else "start"}" fill="{"#fff" if inside else "#212121"}">'
            f"{escape(wan(value))}</text>"
        )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def chart_alt(items: list[tuple[str, float]], title: str, shown: int = 10) -> str:
    """The chart as words for a screen reader and a reader without images: the title and
    the first bars' labels and amounts."""
    parts = [f"{label} {wan(value)}" for label, value in items[:shown]]
    more = f"，另有 {len(items) - shown} 项见下表" if len(items) > shown else ""
    return f"{title}：{'；'.join(parts)}{more}" if parts else title
