"""Links in the pages whose body is HTML (project and department pages), written as a
Markdown link to the same file would be: relative to the page's file in content/
("../regions/x.md" from "projects/a.md"). The builder makes each one the site's URL as it
makes a Markdown link's (mkdocs: the budget-pages plugin, with mkdocs' own rewriting and
checks; Zensical rewrites links in raw HTML itself)."""

from __future__ import annotations

import posixpath


def href(page: str, target: str) -> str:
    """A link from the page (its file in content/) to target ("regions/x.md",
    "glossary.md#level1", "source.md?doc=…", "#quality"), relative to the page's folder."""
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, rest = target[:cut], target[cut:]
    if not path:
        return rest
    folder = [p for p in posixpath.dirname(page).split("/") if p]
    to = [p for p in path.split("/") if p]
    common = 0
    while common < min(len(folder), len(to) - 1) and folder[common] == to[common]:
        common += 1
    return "/".join([".."] * (len(folder) - common) + to[common:]) + rest
