"""Warm grading workers on a Dask cluster (`cvgrade autograde TOPIC --scheduler ADDRESS`).

Each Dask worker process holds one warm grading worker (`cvgrade.harness.workers.Worker`,
started on its first submission, stopped with the Dask worker) and grades one
submission at a time. A submission travels as its source text, never as a path;
the report comes back as a JSON string. The trusted process that submitted the
batch still writes every report, feedback page and gradebook row.

`ADDRESS` is a scheduler (`tcp://host:8786`) or `local:N`, a `LocalCluster` of N
worker processes on this machine. On a multi-node cluster every node needs the
kit installed (`pip install -e` of the same checkout); its graders and
references are found there (`CVGRADE_ROOT`, else the installed checkout).
"""

from __future__ import annotations

import json
import re
from concurrent.futures import Future

import dask
from distributed import Client, LocalCluster, WorkerPlugin, get_worker

PLUGIN = "cvgrade-grading-worker"
_LOCAL = re.compile(r"^local:(\d+)$")


class GradingWorkerPlugin(WorkerPlugin):
    """Gives each Dask worker process its own warm grading worker, stopped when the Dask worker closes."""

    name = PLUGIN

    def setup(self, worker):
        from cvgrade.harness.workers import Worker

        self.grader = Worker()

    def teardown(self, worker):
        self.grader.stop()


def grade_remote(topic: str, source: str | None, options: dict) -> str:
    """On a Dask worker: grade `source` as the student's `<topic>.py` with the kit installed there; the report as JSON."""
    from cvgrade.harness import workers
    from cvgrade.workflow import course

    grader = get_worker().plugins[PLUGIN].grader
    return json.dumps(workers.grade_source(grader, course.kit_root(), topic, source, **options))


class DaskPool:
    """Grades submissions on a Dask cluster; `grade(...)` returns a concurrent Future of the report."""

    def __init__(self, address: str):
        local = _LOCAL.match(address)
        self.cluster = None
        if local:
            # saturation 1.0: the scheduler hands a worker its next submission only when it is free, as the local
            # pool's queue does; above it, a worker may hold two while another idles at the end of a batch
            with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
                self.cluster = LocalCluster(n_workers=int(local.group(1)), threads_per_worker=1, processes=True,
                                            dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.client = Client(address)
        self.client.register_plugin(GradingWorkerPlugin(), name=PLUGIN)
        self.workers = []  # no local workers to report on

    def grade(self, kit, topic: str, source: str | None, **options) -> Future:
        """The report of `source` graded as `<topic>.py` on the cluster (`kit` is the local course's: unused there)."""
        done: Future = Future()
        remote = self.client.submit(grade_remote, topic, source, options, pure=False)

        def arrived(f):
            try:
                done.set_result(json.loads(f.result()))
            except BaseException as error:
                done.set_exception(error)

        remote.add_done_callback(arrived)
        return done

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
