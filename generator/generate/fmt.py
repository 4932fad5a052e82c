"""Presentation helpers for the Markdown pages: escaping untrusted text and
formatting amounts the way Chinese readers expect (万元/亿元, thousands separators)."""

from __future__ import annotations

import html
import json
import re

# Python-Markdown's backslash-escapable characters (markdown.Markdown.ESCAPED_CHARS)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!>])")


def md_text(value: object) -> str:
    """Untrusted text -> Markdown that renders as exactly that text, never as markup.

    HTML is entity-escaped; every character Markdown gives meaning to is
    backslash-escaped; line breaks become spaces (a record field is one paragraph).
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(plain_text(value), quote=True))


def front_matter_title(value: object) -> str:
    """A page title for YAML front matter. mkdocs-material puts the title into <title>
    and the header without escaping, so it is HTML-escaped here (a project named
    "</title><script>…" must stay text), then quoted as a YAML string."""
    return json.dumps(html.escape(plain_text(value), quote=True), ensure_ascii=False)


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


_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`\\]+$")


def link_url(value: object) -> str:
    """A maintainer's URL as a Markdown link target: http(s) only, parentheses escaped;
    "" for anything else (javascript:, data:, relative paths), which is then not linked."""
    s = "" if value is None else str(value).strip()
    if not _SAFE_URL.match(s):
        return ""
    return s.replace("(", "%28").replace(")", "%29")


def plain_text(value: object) -> str:
    """Untrusted text as one line of plain text (what md_text and front_matter_title
    escape; an HTML body's template escapes it itself): control characters dropped (garbage
    from the source, and Markdown's placeholders), whitespace collapsed, so it never makes
    a blank line, which would end an HTML block."""
    s = "" if value is None else str(value)
    return re.sub(r"\s+", " ", _CONTROL.sub("", s)).strip()
