"""mkdocs' pages rendered on several processes (generator.build_pages) give the same site
as mkdocs' own serial build: the same bytes in every file, the same warnings (a broken
link, a missing anchor on another page and on the page itself), and strict mode fails
the same way."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, BuildError

from generator import build_pages
from generator.build import THEME
from generator.build_pages import build_on_cores
from generator.generate import run_generate
from generator.settings import Settings
from tests.test_site import make_site_project


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    paths = make_site_project(tmp_path_factory.mktemp("pages"))
    run_generate(Settings(root=paths.root))
    return paths.root


def _config(root: Path, site: Path, strict: bool = False):
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=strict)
    config["docs_dir"] = str(root / "content")
    config["theme"].dirs.insert(0, str(THEME))
    return config


def _tree(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


class _Messages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname} {record.name}: {record.getMessage()}")


@pytest.fixture(autouse=True)
def _build_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(Settings().epoch))


def _build_both(
    root: Path, tmp_path: Path, strict: bool = False, config=None
) -> dict[str, tuple[object, list[str]]]:
    """Each build's result (processes used, or the exception raised) and its warnings."""
    out: dict[str, tuple[object, list[str]]] = {}
    config = config or _config
    for name, run in (("serial", build), ("cores", lambda c: build_on_cores(c, 2))):
        messages = _Messages()
        logging.getLogger("mkdocs").addHandler(messages)
        try:
            result: object = run(config(root, tmp_path / name, strict))
        except Abort as exc:
            result = type(exc)
        finally:
            logging.getLogger("mkdocs").removeHandler(messages)
        out[name] = (result, messages.messages)
    return out


def test_pages_on_two_processes_make_the_same_site(project, tmp_path, monkeypatch):
    monkeypatch.setattr(build_pages, "SERIAL_BELOW", 0)  # the fixture site is small
    built = _build_both(project, tmp_path)
    assert built["cores"] == (2, []), built["cores"]  # both processes rendered pages
    serial, cores = _tree(tmp_path / "serial"), _tree(tmp_path / "cores")
    assert len(serial) > 100 and sum(k.endswith("index.html") for k in serial) >= 15
    assert cores == serial
    # content/'s downloads and API files are linked, not copied; the theme's are copied
    linked = tmp_path / "cores" / "downloads" / "projects.csv"
    assert linked.stat().st_ino == (project / "content" / "downloads" / "projects.csv").stat().st_ino
    assert (tmp_path / "serial" / "downloads" / "projects.csv").stat().st_nlink == 1
    theme = next((tmp_path / "cores" / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert theme.stat().st_nlink == 1


def test_the_navigation_kept_per_form_gives_pages_as_the_theme_renders_them(project, tmp_path, monkeypatch):
    """The budget-pages plugin renders the theme's sidebar and tabs once per form they
    take (build_plugin.cached_partials): the site is the same, file for file, as one built
    without that cache, on 2 processes and serially, and of the fixture's project pages
    (outside the navigation, all alike) only the first had them rendered."""
    from generator import build_plugin

    renders: list[tuple[str, str]] = []  # (partial, page) of each render the cache did not spare
    original = build_plugin._caching

    def counted(render, name):
        def counting(context):
            renders.append((name, context["page"].url if context.get("page") else ""))
            return render(context)

        return original(counting, name)

    monkeypatch.setattr(build_plugin, "_caching", counted)
    monkeypatch.setattr(build_pages, "SERIAL_BELOW", 0)
    assert build_on_cores(_config(project, tmp_path / "cached"), 2) == 2
    renders.clear()  # the workers' renders were counted in the workers
    build(_config(project, tmp_path / "serial"))
    monkeypatch.setattr(build_plugin.BudgetPages, "on_env", lambda self, env, **kwargs: env)
    build(_config(project, tmp_path / "plain"))
    plain = _tree(tmp_path / "plain")
    projects = [k for k in plain if k.startswith("projects/") and k.endswith("index.html")]
    assert len(projects) >= 5
    assert _tree(tmp_path / "cached") == plain
    assert _tree(tmp_path / "serial") == plain
    for partial in build_plugin.NAV_PARTIALS:
        made = [page for name, page in renders if name == partial and page.startswith("projects/")]
        assert len(made) == 1, (partial, made)
    nav_pages = {page for name, page in renders if page in ("", "regions/", "departments/", "quality/")}
    assert {"regions/", "departments/", "quality/"} <= nav_pages, "pages in the navigation are rendered each"


def test_a_static_file_that_cannot_be_linked_is_copied(project, tmp_path, monkeypatch):
    """Across file systems (or where links are refused) the static files are copied, as by
    mkdocs: the same site."""
    monkeypatch.setattr(build_pages, "SERIAL_BELOW", 0)

    def refuse(src: str, dst: str) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(build_pages.os, "link", refuse)
    built = _build_both(project, tmp_path)
    assert built["cores"] == (2, [])
    assert _tree(tmp_path / "cores") == _tree(tmp_path / "serial")
    assert (tmp_path / "cores" / "downloads" / "projects.csv").stat().st_nlink == 1


def broken_links_built(project: Path, tmp_path: Path, page: Path, broken: str) -> list[str]:
    """Build the project with `broken` appended to the page, by mkdocs and on two
    processes, loose and strict; check that both report the same warnings and make the same
    site, and that strict fails both; the warnings."""
    original = page.read_text(encoding="utf-8")
    page.write_text(original + broken, encoding="utf-8")
    try:
        loose = _build_both(project, tmp_path / "loose")
        strict = _build_both(project, tmp_path / "strict", strict=True)
    finally:
        page.write_text(original, encoding="utf-8")
    messages = loose["serial"][1]
    assert loose["cores"] == (2, messages)
    assert _tree(tmp_path / "loose" / "cores") == _tree(tmp_path / "loose" / "serial")
    assert strict["serial"] == (Abort, messages) and strict["cores"] == (Abort, messages)
    return messages


def test_warnings_and_strict_mode_are_mkdocs_own(project, tmp_path, monkeypatch):
    """A Markdown page's (a region's; an HTML body's: tests/test_prerendered.py)."""
    monkeypatch.setattr(build_pages, "SERIAL_BELOW", 0)
    page = sorted((project / "content" / "regions").glob("*.md"))[-1]
    broken = "\n[坏](../nowhere.md) [锚](../glossary.md#no-such) [自](#nope)\n"
    messages = broken_links_built(project, tmp_path, page, broken)
    assert len(messages) == 3 and all(page.name in m for m in messages), messages


def test_a_config_with_a_plugin_is_left_to_mkdocs(project, tmp_path, monkeypatch):
    monkeypatch.setattr(build_pages, "SERIAL_BELOW", 0)
    config = _config(project, tmp_path / "site")
    config.plugins["probe"] = _Probe()
    assert build_on_cores(config, 2) == 1
    assert (tmp_path / "site" / "index.html").is_file()


class _Probe:
    """A plugin that keeps state across pages, as search does."""

    def __init__(self) -> None:
        self.pages: list[str] = []


def test_a_page_that_fails_is_named(project, tmp_path, monkeypatch):
    monkeypatch.setattr(build_pages, "SERIAL_BELOW", 0)
    page = project / "content" / "about.md"
    original = page.read_text(encoding="utf-8")
    page.write_text("---\ntemplate: no-such-template.html\n---\n\n# 关于\n", encoding="utf-8")
    try:
        named = r"^page about\.md: TemplateNotFound: .no-such-template\.html. not found in [^(]*$"
        with pytest.raises(BuildError, match=named):
            build_on_cores(_config(project, tmp_path / "site"), 2)
    finally:
        page.write_text(original, encoding="utf-8")


def _plain_project(root: Path, pages: int, nav: str = "") -> Path:
    """A project of its own: the material theme, untitled pages (their titles from their
    headings) with icons and subtitles in their front matter, linking to one another."""
    docs = root / "docs"
    (docs / "more").mkdir(parents=True)
    for n in range(pages):
        folder = docs / ("more" if n % 2 else "")
        meta = f"---\nicon: material/numeric-{n % 10}\nsubtitle: 副题{n}\n---\n\n" if n % 3 else ""
        link = f"[下一页](../p{n + 1}.md#节{n + 1})" if n % 2 else f"[下一页](more/p{n + 1}.md)"
        link = link if n + 1 < pages else "[首页](../index.md)"
        (folder / f"p{n}.md").write_text(f"{meta}# 第{n}页\n\n## 节{n}\n\n{link}\n", encoding="utf-8")
    (docs / "index.md").write_text("# 首页\n\n[第一页](p0.md)\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(f"site_name: 试\ntheme:\n  name: material\nplugins: []\n{nav}", "utf-8")
    return root


def _plain_config(root: Path, site: Path, strict: bool = False):
    return load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=strict)


def test_an_untitled_navigation_with_icons_is_as_mkdocs_builds_it(tmp_path, monkeypatch):
    """Every page shows the navigation's titles (here from each page's heading) and icons
    (from its front matter): the workers must see them for pages they did not read."""
    monkeypatch.setattr(build_pages, "SERIAL_BELOW", 0)
    root = _plain_project(tmp_path / "project", 24)
    built = _build_both(root, tmp_path, config=_plain_config)
    assert built["cores"][0] == 2 and built["cores"][1] == built["serial"][1]
    serial, cores = _tree(tmp_path / "serial"), _tree(tmp_path / "cores")
    assert cores == serial
    page = (tmp_path / "cores" / "more" / "p5" / "index.html").read_text(encoding="utf-8")
    assert "第22页" in page and "第5页" in page  # titles of pages another process read


def test_a_small_site_is_built_by_mkdocs_with_each_warning_once(tmp_path):
    nav = "nav:\n  - index.md\n  - 不在: missing.md\n"
    root = _plain_project(tmp_path / "project", 4, nav)  # under SERIAL_BELOW pages
    built = _build_both(root, tmp_path, config=_plain_config)
    assert built["cores"][0] == 1
    assert len(built["serial"][1]) == 1 and "missing.md" in built["serial"][1][0], built
    assert built["cores"][1] == built["serial"][1]
