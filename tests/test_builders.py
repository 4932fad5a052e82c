"""The builder behind generator/build.py is one setting: the builder that is not the default
builds the fixture site with the same pages and links as the default one, strict, atomic and
deterministic; the setting is read by the CLI only. (bench/builders.py measures both.)"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.builders import html_pages, internal_links
from generator.build import (
    BuildFailed,
    _mkdocs_context_shim,
    _zensical_config,
    build_site,
    builder_installed,
    zensical_warnings,
)
from generator.cli import main
from generator.generate import run_generate
from generator.settings import BUILDERS, Settings
from tests.conftest import REPO
from tests.test_site import make_site_project

DEFAULT = Settings().builder
OTHER = next(b for b in BUILDERS if b != DEFAULT)


needs_other = pytest.mark.skipif(
    not builder_installed(OTHER),
    reason=f"builder {OTHER!r} is not installed: pip install -e '.[test]' installs it",
)


@pytest.fixture(scope="module")
def both_sites(tmp_path_factory):
    paths = make_site_project(tmp_path_factory.mktemp("builders"))
    run_generate(Settings(root=paths.root))
    default = build_site(Settings(root=paths.root, builder=DEFAULT), site_dir=paths.root / "site-default")
    other = build_site(Settings(root=paths.root, builder=OTHER), site_dir=paths.root / "site-other")
    return paths, default, other


def _hashes(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@needs_other
def test_the_other_builder_builds_the_same_pages_and_links(both_sites):
    paths, default, other = both_sites
    assert not default.warnings and not other.warnings, other.warnings
    assert other.pages == default.pages >= 15
    first, second = paths.root / "site-default", paths.root / "site-other"
    assert html_pages(second) == html_pages(first)
    links, ids = internal_links(second, html_pages(second))
    expected, _ = internal_links(first, html_pages(first))
    assert links == expected
    for page, target in links:  # every internal link reaches a page (and its anchor)
        rel, _, fragment = target.partition("#")
        path = second / rel
        path = path / "index.html" if path.is_dir() or not rel else path
        assert path.is_file(), f"{page} -> {target}"
        if fragment and path.suffix == ".html":
            assert fragment in ids[path.relative_to(second).as_posix()], f"{page} -> {target}"


@needs_other
def test_the_other_builder_escapes_loads_our_search_and_keeps_the_language(both_sites):
    paths, _, _ = both_sites
    site = paths.root / "site-other"
    page = (site / "projects" / "2024-xiangyuan-003-hostile0000" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page and 'href="http://example.com"' not in page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN"' in home  # generator/theme/partials/languages/custom.html
    assert "javascripts/search.js" in home and 'class="md-header__inner' in home
    assert 'data-md-component="search"' not in home, "the theme's own search is off, as in mkdocs.yml"
    assert "Made with" not in home  # extra.generator: false


@needs_other
def test_the_other_builder_is_deterministic_strict_and_atomic(both_sites):
    paths, _, _ = both_sites
    other = Settings(root=paths.root, builder=OTHER)
    again = build_site(other, site_dir=paths.root / "site-other-again")
    assert not again.unchanged
    assert _hashes(paths.root / "site-other-again") == _hashes(paths.root / "site-other")
    before = _hashes(paths.root / "site-other")
    broken = paths.content / "broken.md"
    broken.write_text("# 坏链接\n\n[不存在](nowhere.md)\n\n[锚](about.md#nowhere)\n", encoding="utf-8")
    try:
        with pytest.raises(BuildFailed, match="2 warnings in strict mode"):
            build_site(other, site_dir=paths.root / "site-other")
        relaxed = build_site(other.but(strict=False), site_dir=paths.root / "site-relaxed")
    finally:
        broken.unlink()
    assert len(relaxed.warnings) == 2 and all("broken.md" in w for w in relaxed.warnings)
    assert _hashes(paths.root / "site-other") == before
    assert not list(paths.root.glob(".site-*")), "temporary build directory left behind"


def test_zensical_reads_mkdocs_yml_as_mkdocs_does(tmp_path):
    config = _zensical_config(REPO / "mkdocs.yml", tmp_path, Settings().epoch)
    assert config["theme"]["variant"] == "classic"
    overrides = Path(config["theme"]["custom_dir"])
    assert (overrides / "partials" / "languages" / "custom.html").is_file()
    assert {"search": {"enabled": False}} in config["plugins"]  # mkdocs.yml lists no search plugin
    assert "budget-pages" not in config["plugins"]  # mkdocs' own: Zensical renders those pages as Markdown
    assert (config["docs_dir"], config["site_dir"]) == ("content", "site")
    # what only mkdocs has in its template context is spelt out, from the same epoch
    shim = _mkdocs_context_shim("{{ build_date_utc.strftime('%Y-%m-%d') }}", Settings().epoch)
    assert shim == '{{ "2024-01-01" }}'


def test_zensical_warnings_are_read_from_its_boxes():
    output = (
        "Build started\n\x1b[33mWarning:\x1b[0m page does not exist\n   ╭─[ broken.md:3:7 ]\n   │\n"
        " 3 │ [x](nowhere.md)\n───╯\nWarning: anchor does not exist\n   ╭─[ a/b.md:5:14 ]\n2 issues found\n"
    )
    assert zensical_warnings(output) == [
        "broken.md:3:7: page does not exist",
        "a/b.md:5:14: anchor does not exist",
    ]


def test_the_builder_is_one_setting_read_by_the_cli():
    assert Settings.from_environment({}).builder == BUILDERS[0] == DEFAULT
    assert Settings.from_environment({"BUDGET_SITE_BUILDER": OTHER}).builder == OTHER
    assert Settings.from_environment({"BUDGET_SITE_BUILDER": OTHER}, builder=DEFAULT).builder == DEFAULT
    with pytest.raises(ValueError, match="builder must be one of"):
        Settings.from_environment({"BUDGET_SITE_BUILDER": "hugo"})
    result = CliRunner().invoke(main, ["--builder", "hugo", "build"])
    assert result.exit_code == 2 and "hugo" in result.output
