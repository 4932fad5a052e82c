"""Presentation helpers for the Markdown pages: escaping untrusted text and
formatting amounts the way Chinese readers expect (万元/亿元, thousands separators)."""

from __future__ import annotations

import html
import re

# Python-Markdown's backslash-escapable characters (markdown.Markdown.ESCAPED_CHARS)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")


def md_text(value: object) -> str:
    """Untrusted text -> Markdown that renders as exactly that text, never as markup.

    HTML is entity-escaped; every character Markdown gives meaning to is
    backslash-escaped; line breaks become spaces (a record field is one paragraph).
    """
    s = "" if value is None else str(value)
    s = re.sub(r"\s+", " ", s).strip()
    s = html.escape(s, quote=True)
    return _MD_SPECIAL.sub(r"\\\1", s)


def md_cell(value: object) -> str:
    """Like md_text, for a table cell: the column separator is escaped too."""
    return md_text(value).replace("|", "\\|")


def yuan(amount: float | int | None) -> str:
    """510000 -> "510,000元"; None -> "—" (not stated)."""
    if amount is None:
        return "—"
    if float(amount).is_integer():
        return f"{int(amount):,}元"
    return f"{amount:,.2f}元"


def wan(amount: float | int | None) -> str:
    """Yuan as 万元 (or 亿元 from 1亿): 510000 -> "51.00万元", 123456789 -> "1.23亿元"."""
    if amount is None:
        return "—"
    if abs(amount) >= 1e8:
        return f"{amount / 1e8:,.2f}亿元"
    return f"{amount / 1e4:,.2f}万元"
