"""Links written as the site's URLs, for pages whose body is HTML (project pages): the
builder passes their HTML through as it is, so a link must already be what mkdocs makes
of a Markdown link to the same file (`File.url`, then relative to the page)."""

from __future__ import annotations

import posixpath
from pathlib import Path

import yaml


class _AnyTag(yaml.SafeLoader):
    """mkdocs.yml may hold tags of mkdocs' own (!ENV, !relative): read as nothing here."""


_AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)


def directory_urls(mkdocs_yml: Path) -> bool:
    """mkdocs.yml's use_directory_urls (mkdocs' default, true, when it is not there)."""
    try:
        config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_AnyTag) or {}
    except FileNotFoundError:
        return True
    return bool(config.get("use_directory_urls", True)) if isinstance(config, dict) else True


def url_of(src: str, directory: bool) -> str:
    """The URL of a file of docs_dir, from the site's root, as mkdocs makes it:
    "projects/x.md" -> "projects/x/" (or "projects/x.html"), "regions/index.md" ->
    "regions/", "index.md" -> "" (without directory URLs: "projects/x.html",
    "regions/index.html"); any other file keeps its path."""
    if not src.endswith(".md"):
        return src
    stem = src[:-3]
    if not directory:
        return f"{stem}.html"
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return f"{stem}/"


def href(page: str, target: str, directory: bool) -> str:
    """A link from the page (its file in docs_dir) to target ("regions/x.md",
    "glossary.md#level1", "source.md?doc=…"), relative to the page's URL."""
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, rest = target[:cut], target[cut:]
    if not path:
        return rest
    base = posixpath.dirname(url_of(page, directory)) if not directory else url_of(page, directory)
    dest = url_of(path, directory)
    rel = _relative(dest.rstrip("/"), base.rstrip("/"))
    if dest.endswith("/") or not dest:
        rel = "./" if rel == "." else rel + "/"
    return rel + rest


def _relative(dest: str, base: str) -> str:
    """posixpath.relpath of two paths relative to the same root (without its os.getcwd:
    this runs some twenty times a page)."""
    to, start = [p for p in dest.split("/") if p], [p for p in base.split("/") if p]
    common = 0
    while common < min(len(to), len(start)) and to[common] == start[common]:
        common += 1
    parts = [".."] * (len(start) - common) + to[common:]
    return "/".join(parts) or "."
