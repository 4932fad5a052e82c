"""Settings of a run: one frozen object, built once by the CLI and passed down.

No stage reads the environment; the CLI reads it here, in `from_environment`.
"""

from __future__ import annotations

import gc
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from generator.paths import DEFAULT_EPOCH, Paths

# the static-site builders generator.build can run; the first is the default
BUILDERS = ("mkdocs", "zensical")


def batch_gc() -> None:
    """The garbage collector set for a batch run (generator.cli.run's docstring says why):
    the objects there are now (the imports) are left out of later collections, and a
    young collection runs every 50,000 allocations instead of 700."""
    gc.freeze()
    gc.set_threshold(50_000, 50, 100)


@dataclass(frozen=True)
class Settings:
    root: Path = Path(".")
    builder: str = BUILDERS[0]  # the static-site builder behind generator.build (BUILDERS)
    cache: Path | None = None  # default: <root>/.cache
    similar: bool = True  # compute 相似项目 (off only for synthetic-scale benchmarks)
    epoch: int = int(DEFAULT_EPOCH)  # the build date stamped into sitemaps and downloads
    strict: bool = True  # builder warnings (broken links) fail the build
    # Dask local workers for the shards and processes for mkdocs' pages (None: every core,
    # or none for small jobs)
    workers: int | None = None
    scheduler: str | None = None  # a Dask scheduler's address: the shards run on that cluster

    @property
    def paths(self) -> Paths:
        return Paths(self.root, self.cache)

    @property
    def build_date(self) -> str:
        return datetime.fromtimestamp(self.epoch, UTC).strftime("%Y-%m-%d")

    def but(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_environment(cls, environ: Mapping[str, str], **given: object) -> Settings:
        """BUDGET_SITE_SIMILAR=0 turns 相似项目 off; SOURCE_DATE_EPOCH fixes the build date;
        BUDGET_SITE_BUILDER picks the builder (one of BUILDERS). A given value wins."""
        epoch = environ.get("SOURCE_DATE_EPOCH") or DEFAULT_EPOCH
        if not epoch.strip().isdigit():
            raise ValueError(f"SOURCE_DATE_EPOCH must be seconds since 1970, got {epoch!r}")
        builder = given.pop("builder", None) or environ.get("BUDGET_SITE_BUILDER") or BUILDERS[0]
        if builder not in BUILDERS:
            raise ValueError(f"the builder must be one of {', '.join(BUILDERS)}, got {builder!r}")
        settings = cls(
            similar=environ.get("BUDGET_SITE_SIMILAR", "1") != "0", epoch=int(epoch), builder=str(builder)
        )
        return settings.but(**given)
