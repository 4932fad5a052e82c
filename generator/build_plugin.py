"""The budget-pages mkdocs plugin: a page whose front matter says `body: html` (every
project and department page, and the index of departments: 99% of the pages at the 100×
scale) skips Python-Markdown.

Python-Markdown costs about two thirds of mkdocs' time per page, most of it in its inline
patterns over every table cell. generate already knows what each cell is, so it writes
those pages' body as HTML (templates/project.md.j2 and others), in a form that Python-Markdown
passes through unchanged: blocks apart by one blank line, each an HTML block starting
with a block-level tag, or a heading "## 标题 { #id }" (attr_list's explicit id). This
plugin makes the same HTML from it without Markdown (`render_body`:
tests/test_prerendered.py checks it against Python-Markdown page by page), and gives
mkdocs what Markdown would have: the table of contents from the headings, the page's
anchors, and its links, written as Markdown links are (relative to the page's file,
"../regions/x.md"), made the site's URLs and checked by mkdocs' own code for a Markdown
page's links (a link to another page's anchor goes to mkdocs' anchor check). Zensical,
which has no such plugin, renders the page through Markdown and rewrites the links of
raw HTML itself.

It also keeps the theme's navigation (the sidebar and the tabs: a third of the theme's
time per page) once per form it takes. A page outside the navigation (every page but
the few it lists) gets the same navigation HTML as any other page whose links to the
navigation's pages are the same relative URLs; `cached_partials` renders it for the
first such page and reuses it for the others. A page in the navigation (whose item is
marked active) is rendered as the theme does. tests/test_build_pages.py compares every
page of a site built with the cache to one built without it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape, unescape
from typing import Any

import markdown
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import _RelativePathTreeprocessor
from mkdocs.structure.toc import get_toc
from mkdocs.utils import normalize_url

log = get_plugin_logger("budget-pages")

MARKER = ("body", "html")  # the front matter key and value of a page this plugin renders
HEADING = re.compile(r"(#{1,6}) ([^\\`*_\[\]<>\n]+?) \{ #([A-Za-z][\w-]*) \}")
_START = re.compile(r"<([A-Za-z][A-Za-z0-9]*)[\s>/]")
_BLANK = re.compile(r"\n[ \t]*\n")
_ID = re.compile(r'\sid="([^"]*)"')
_LINK = re.compile(r'\s(href|src)="([^"]*)"')
# the tags Python-Markdown takes as the start of a raw HTML block
BLOCK_LEVEL = frozenset(markdown.Markdown().block_level_elements)
# the theme's partials whose HTML depends on the page only through its links to the
# navigation's pages (mkdocs-material's sidebar and tabs)
NAV_PARTIALS = ("partials/nav.html", "partials/tabs.html")


class BodyError(ValueError):
    """A block of a `body: html` page that Python-Markdown would not pass through as it is."""


@dataclass
class Body:
    html: str
    toc: list[dict[str, Any]] = field(default_factory=list)  # Python-Markdown's toc_tokens
    ids: set[str] = field(default_factory=set)  # the anchors the page has


def render_body(text: str) -> Body:
    """The HTML Python-Markdown (with attr_list and toc) makes of a `body: html` page's
    body, its table of contents and its anchors; BodyError names a block it would not
    pass through unchanged (one that starts with neither a block-level tag nor a heading
    with an id, or a heading that is not plain text)."""
    out: list[str] = []
    body = Body("")
    open_tokens: list[dict[str, Any]] = []  # the headings that a deeper one nests in
    blocks = [b.strip("\n") for b in _BLANK.split(text)]
    for n, block in enumerate(b for b in blocks if b.strip()):
        if heading := HEADING.fullmatch(block):
            level, name, anchor = len(heading[1]), heading[2], heading[3]
            out.append(f'<h{level} id="{anchor}">{name}</h{level}>\n')
            token: dict[str, Any] = {
                "level": level,
                "id": anchor,
                "name": name,
                "html": name,
                "data-toc-label": "",
                "children": [],
            }
            while open_tokens and open_tokens[-1]["level"] >= level:
                open_tokens.pop()
            (open_tokens[-1]["children"] if open_tokens else body.toc).append(token)
            open_tokens.append(token)
            body.ids.add(anchor)
            continue
        start = _START.match(block)
        if block.startswith("#") or not start or start[1].lower() not in BLOCK_LEVEL:
            first = block.splitlines()[0][:80]
            raise BodyError(f"block {n + 1} ({first!r}) is neither an HTML block nor a heading with an id")
        out.append(block + "\n\n")
        body.ids.update(_ID.findall(block))
    body.html = "".join(out).rstrip("\n")
    return body


def _no_markdown(page: Any, config: Any, files: Files) -> None:
    """Page.render for a `body: html` page: what Python-Markdown gives for its empty
    Markdown (on_page_content then sets the body, its table of contents, anchors and links)."""
    page.content, page.toc, page.present_anchor_ids = "", get_toc([]), set()
    page.links_to_anchors = {}


def _nav_key(context: Any) -> tuple[Any, ...] | None:
    """What a navigation partial's HTML depends on for this page: the page's URLs of the
    navigation's pages and of the site's root. None for a page in the navigation (its
    item is marked active), or outside a page."""
    page, nav = context.get("page"), context.get("nav")
    if page is None or nav is None or getattr(page, "file", None) is None:
        return None
    pages = nav.pages
    if any(p.file is page.file or p.active for p in pages):
        return None
    folder = page.url.rstrip("/").rpartition("/")[0]  # (static files' URLs, should a partial link one)
    return (context.get("base_url"), folder, *(normalize_url(p.url, page) for p in pages))


def cached_partials(env: Any, names: tuple[str, ...] = NAV_PARTIALS) -> None:
    """Each of these templates of the theme's environment renders once per _nav_key and
    is reused (per process) for every page with the same key."""
    for name in names:
        template = env.get_template(name)
        template.root_render_func = _caching(template.root_render_func, name)


def _caching(render: Callable[[Any], Iterator[str]], name: str) -> Callable[[Any], Iterator[str]]:
    made: dict[tuple[Any, ...], str] = {}

    def cached(context: Any) -> Iterator[str]:
        key = _nav_key(context)
        if key is None:
            yield from render(context)
            return
        if key not in made:
            made[key] = "".join(render(context))
        yield made[key]

    return cached


class BudgetPages(BasePlugin):  # type: ignore[type-arg]
    """mkdocs.yml: `plugins: [budget-pages]`. It keeps a page's body only from its
    on_page_markdown to its on_page_content, and the navigation's HTML by what it depends
    on (cached_partials): any process renders any page the same, so generator/build_pages
    renders pages with it on every core."""

    def __init__(self) -> None:
        self._bodies: dict[str, str] = {}

    def on_env(self, env: Any, *, config: Any, files: Files) -> Any:
        cached_partials(env)
        return env

    def on_page_markdown(self, markdown: str, *, page: Any, config: Any, files: Files) -> str:
        if page.meta.get(MARKER[0]) != MARKER[1]:
            return markdown
        self._bodies[page.file.src_uri] = markdown
        # nothing for Python-Markdown to do: on_page_content puts the body in. The page's
        # own render (mkdocs calls it next) would still set up a Markdown instance with
        # every extension to convert "" (0.4 ms a page: an eighth of the page's time)
        page.render = functools.partial(_no_markdown, page)
        return ""

    def on_page_content(self, html: str, *, page: Any, config: Any, files: Files) -> str:
        text = self._bodies.pop(page.file.src_uri, None)
        if text is None:
            return html
        try:
            body = render_body(text)
        except BodyError as exc:
            raise PluginError(f"{page.file.src_uri}: {exc}") from None
        page.toc = get_toc(body.toc)  # type: ignore[arg-type]  # Python-Markdown's toc_tokens
        page.present_anchor_ids = body.ids
        html, page.links_to_anchors = self._links(page.file, body.html, files, config)
        return html

    def _links(
        self, page: File, html: str, files: Files, config: Any
    ) -> tuple[str, dict[File, dict[str, str]]]:
        """The body with each link (written as a Markdown link is, relative to the page's
        file) made the site's URL by mkdocs' own rewriting of a Markdown page's links,
        which also reports a missing file at the level mkdocs.yml's validation sets; and
        the links to anchors, by the page they point into, for mkdocs' anchor check."""
        links = _RelativePathTreeprocessor(page, files, config)

        def rewrite(match: re.Match[str]) -> str:
            return f' {match[1]}="{escape(links.path_to_url(unescape(match[2])))}"'

        return _LINK.sub(rewrite, html), links.links_to_anchors
