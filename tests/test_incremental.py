"""Skipping unchanged stages never changes the site: a warm build after a change gives
byte for byte the site a cold build of the same inputs gives."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from generator.build import build_site
from generator.generate import copy_handwritten, run_generate
from generator.mirror import Mirror
from generator.records import dump_record, load_yaml
from generator.settings import Settings
from tests.test_site import _plain, make_site_project


def _hashes(tree: Path) -> dict[str, str]:
    return {
        p.relative_to(tree).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(tree.rglob("*"))
        if p.is_file()
    }


def _site(settings: Settings) -> tuple[bool, bool]:
    """generate + build; whether each was skipped as unchanged."""
    generated = run_generate(settings)
    assert generated.written and not generated.report.errors
    built = build_site(settings)
    return "unchanged" in (generated.seconds or {}), built.unchanged


@pytest.fixture(scope="module")
def warm(tmp_path_factory) -> Settings:
    paths = make_site_project(tmp_path_factory.mktemp("warm"))
    settings = Settings(root=paths.root)
    assert _site(settings) == (False, False)  # cold
    return settings


def test_nothing_changed_nothing_is_made_again(warm: Settings) -> None:
    site, content = _hashes(warm.paths.site), _hashes(warm.paths.content)
    assert _site(warm) == (True, True)
    assert _hashes(warm.paths.site) == site and _hashes(warm.paths.content) == content


def test_a_hand_edited_or_deleted_output_is_made_again(warm: Settings) -> None:
    page = next((warm.paths.content / "projects").glob("*.md"))
    original = page.read_bytes()
    page.write_text("# 被手改的页面\n", encoding="utf-8")
    assert _site(warm) == (False, True)  # content/ made again, to the same bytes: site/ stands
    assert page.read_bytes() == original
    shutil.rmtree(warm.paths.site / "regions")
    assert _site(warm) == (True, False)
    assert (warm.paths.site / "regions" / "index.html").is_file()


def test_a_hand_written_page_edited_between_two_runs_is_built(warm: Settings) -> None:
    """The builder takes generate's inputs for what content/ holds while content/ is as
    generate left it, with the bytes of the hand-written pages it copied: an edit of one of
    those, carried over by a generate that runs again, still reaches site/."""
    about = warm.paths.content / "about.md"
    original = about.read_text(encoding="utf-8")
    project = next((warm.paths.content / "projects").glob("*.md"))
    try:
        about.write_text(original + "\n改过的关于页。\n", encoding="utf-8")
        project.write_text("# 被手改的页面\n", encoding="utf-8")  # generate must run again
        assert _site(warm) == (False, False)
        assert "改过的关于页。" in (warm.paths.site / "about" / "index.html").read_text(encoding="utf-8")
    finally:
        about.write_text(original, encoding="utf-8")
    assert _site(warm) == (False, False)
    assert "改过的关于页。" not in (warm.paths.site / "about" / "index.html").read_text(encoding="utf-8")
    assert _site(warm) == (True, True)


def test_a_changed_record_gives_the_site_a_cold_build_gives(warm: Settings, tmp_path: Path) -> None:
    path = sorted(warm.paths.records.glob("*.yaml"))[0]
    record = _plain(load_yaml(path))
    record["unit_name"] = "改过的实施单位"
    path.write_text(dump_record(record), encoding="utf-8")
    assert _site(warm) == (False, False)
    # the same inputs in a fresh root: no cache, no content/, no site/
    cold = Settings(root=tmp_path)
    for name in ("data", "templates"):
        shutil.copytree(warm.root / name, tmp_path / name)
    shutil.copyfile(warm.root / "mkdocs.yml", tmp_path / "mkdocs.yml")
    copy_handwritten(warm.paths.content, tmp_path / "content")
    assert _site(cold) == (False, False)
    assert _hashes(cold.paths.content) == _hashes(warm.paths.content)
    assert _hashes(cold.paths.site) == _hashes(warm.paths.site)
    assert "改过的实施单位" in (warm.paths.site / "projects" / record["project_id"] / "index.html").read_text(
        encoding="utf-8"
    )


def test_a_tree_is_swapped_in_and_the_old_ones_go_in_the_background(tmp_path: Path) -> None:
    """paths.swap_in: the new tree takes the target's place; the old one and one a crash
    left go by a detached rm -rf without the caller waiting; a temporary tree of another
    run (mkdtemp's name) is left alone."""
    import time

    from generator.paths import swap_in

    target, new = tmp_path / "content", tmp_path / ".content-abc123_x"
    crashed, other_run = tmp_path / ".content-old-1-2", tmp_path / ".content-olduvw_9"
    for tree, text in ((target, "旧页面"), (new, "新页面"), (crashed, "崩溃留下"), (other_run, "另一次")):
        for n in range(100):
            (tree / f"d{n % 10}").mkdir(parents=True, exist_ok=True)
            (tree / f"d{n % 10}" / f"{n}.md").write_text(text, encoding="utf-8")
    swap_in(new, target)
    assert (target / "d3" / "3.md").read_text(encoding="utf-8") == "新页面" and not new.exists()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (crashed.exists() or list(tmp_path.glob(".content-old-*"))):
        time.sleep(0.1)
    assert not crashed.exists() and not list(tmp_path.glob(".content-old-*"))
    assert (other_run / "d1" / "1.md").is_file()


def test_a_mirrored_file_is_linked_when_unchanged_and_never_trusted_when_edited(tmp_path: Path) -> None:
    store = tmp_path / "store"

    def run(name: str, files: dict[str, bytes]) -> Mirror:
        out = tmp_path / name
        out.mkdir()
        mirror = Mirror(out, store)
        for rel, data in files.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            assert mirror.put(rel, data) == len(data)
        mirror.prune()
        return mirror

    first = run("one", {"t/0.json": b"[1]", "t/1.json": b"[2]", "meta.json": b"{}"})
    assert first.written == 3
    second = run("two", {"t/0.json": b"[1]", "t/1.json": b"[3]"})
    assert second.written == 1  # only the changed file is created again
    linked = (tmp_path / "two" / "t" / "0.json").stat().st_ino
    assert linked == (tmp_path / "one" / "t" / "0.json").stat().st_ino
    assert (tmp_path / "one" / "t" / "1.json").read_bytes() == b"[2]"  # the old tree keeps its bytes
    assert not (store / "meta.json").exists()  # pruned: this run did not put it
    # a hand edit through a link into an old tree reaches the mirror: it is written again
    (tmp_path / "two" / "t" / "0.json").write_bytes(b"[9]")
    third = run("three", {"t/0.json": b"[1]", "t/1.json": b"[3]"})
    assert third.written == 1
    assert (tmp_path / "three" / "t" / "0.json").read_bytes() == b"[1]"
    # without a store, files are written straight
    plain = Mirror(tmp_path / "one", None)
    plain.put("meta.json", b"{1}")
    assert (tmp_path / "one" / "meta.json").read_bytes() == b"{1}"


def test_compiled_templates_follow_their_source(tmp_path: Path) -> None:
    """Jinja's bytecode cache (.cache/jinja/): a template changed since it was compiled is
    compiled again; entries of another code version are removed."""
    from generator.generate.pages import _environment, environment

    templates, compiled = tmp_path / "templates", tmp_path / "compiled"
    templates.mkdir()
    compiled.mkdir()
    (compiled / "0000000000000000-stale.cache").write_bytes(b"old")
    (templates / "a.md.j2").write_text("one {{ x }}", encoding="utf-8")
    assert environment(templates, compiled).get_template("a.md.j2").render(x=1) == "one 1"
    assert not (compiled / "0000000000000000-stale.cache").exists()
    assert len(list(compiled.glob("*.cache"))) == 1
    _environment.cache_clear()  # as a new run would
    (templates / "a.md.j2").write_text("two {{ x }}", encoding="utf-8")
    assert environment(templates, compiled).get_template("a.md.j2").render(x=1) == "two 1"
    _environment.cache_clear()
