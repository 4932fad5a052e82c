"""Where generate's tasks run: Dask, on the cluster at an address, on a local cluster, or
for a small job in this process.

The choice is made once per run, at its first computation (the shards), from the size
of the work: starting a LocalCluster costs about two seconds, which a rebuild after one
correction (a shard or two) does not repay, so such a job runs on Dask's synchronous
scheduler. (Dask's multiprocessing scheduler with forked workers was measured too: it
spent 0.5 s starting and 0.5 s between dependent tasks, more than the two cores saved
on 1.5 s of work.) Later computations of the run (the search index's buckets) use the
same runner. compute_then returns one set of results while another goes on: the
corpus-wide tables are written while the search index is merged. A local cluster's
workers set their garbage collector as the command does (batch_gc).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import dask
from dask.delayed import Delayed
from dask.local import get_sync

from generator.settings import batch_gc

CLUSTER_FROM = 400  # projects in the shards to make: below this, no cluster is started


class Runner:
    """dask.compute for this run's tasks; close() stops what it started."""

    def __init__(self, scheduler: str | None = None, workers: int | None = None) -> None:
        self.scheduler, self.workers = scheduler, workers
        self.client: Any = None  # None: this process, on the synchronous scheduler
        self._chosen = False
        self._stack = ExitStack()

    @property
    def cores(self) -> int:
        return self.workers or (os.cpu_count() or 1)

    def _choose(self, size: int) -> None:
        if self._chosen:
            return
        self._chosen = True
        if self.scheduler:
            from distributed import Client

            self.client = self._stack.enter_context(Client(self.scheduler))
        elif self.workers is not None or (self.cores > 1 and size >= CLUSTER_FROM):
            from distributed import Client, LocalCluster

            # its lines (INFO, a heartbeat lost while closing) are not ours to print
            logging.getLogger("distributed").setLevel(logging.CRITICAL)
            options = {"dashboard_address": None, "silence_logs": logging.CRITICAL, "threads_per_worker": 1}
            cluster = self._stack.enter_context(LocalCluster(n_workers=self.cores, processes=True, **options))
            self.client = self._stack.enter_context(Client(cluster))
            # in each worker: a shard's task allocates millions of short-lived rows and
            # cells; the shards' tasks took 9% less time at 10× (three runs each)
            self.client.run(batch_gc)

    def in_process(self, size: int) -> bool:
        """Whether the run's tasks run in this process (chosen now from `size`, as by the
        first compute): their inputs need not be written for another process to read."""
        self._choose(size)
        return self.client is None

    def compute(self, tasks: list[Delayed], size: int = 0) -> tuple[Any, ...]:
        """The tasks' results, in order; `size` (projects to make) decides the runner on the
        first call."""
        self._choose(size)
        if self.client is not None:
            return tuple(self.client.gather(self.client.compute(tasks)))
        # the function itself: the name "synchronous" makes Dask import distributed (0.7 s)
        # to look for a default client
        return dask.compute(*tasks, scheduler=get_sync)

    def compute_then(
        self, now: list[Delayed], later: list[Delayed], size: int = 0
    ) -> tuple[tuple[Any, ...], Callable[[], tuple[Any, ...]]]:
        """The results of `now`, and a function returning those of `later` (tasks that may
        depend on `now`'s). On a cluster both are started together and `later` goes on while
        the caller does other work, until it asks for them; in this process, where nothing
        runs beside the caller, all are computed before returning."""
        self._choose(size)
        if self.client is None:
            out = self.compute([*now, *later], size)
            return out[: len(now)], lambda: out[len(now) :]
        futures = self.client.compute([*now, *later])
        first, rest = futures[: len(now)], futures[len(now) :]
        return tuple(self.client.gather(first)), lambda: tuple(self.client.gather(rest))

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
