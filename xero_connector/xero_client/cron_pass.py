"""When the pass of a cron worker began: Odoo's cron worker runs every job that is due, one
after the other, and kills the whole pass at its time limit (``limit_time_real_cron``). A job
sees only its own start (``cron_end_time``): this module remembers, per thread, the start of
the pass its jobs belong to. Plain Python: no Odoo import."""

import threading
import time

_passes = threading.local()


def pass_started(cron_id, job_started, limit, thread=None):
    """The monotonic time at which the pass that runs the job ``cron_id``, started at
    ``job_started``, began, as far as this thread can tell.

    An Odoo cron thread (threaded server) stamps the pass on itself (``start_time``, wall
    clock). A worker process does not: its pass is taken to begin with the first job of the
    connector's seen in it, and to go on while the jobs are new to it and the whole is within
    ``limit`` (a pass that lasted longer was killed). When unsure, the pass is taken as
    earlier: a run stops sooner, it is never killed."""
    thread = thread or threading.current_thread()
    stamped = getattr(thread, "start_time", None)
    if stamped:
        return time.monotonic() - (time.time() - stamped)
    runs = getattr(_passes, "runs", None)
    if runs is None:
        runs = _passes.runs = []
    run = (cron_id, job_started)
    if run not in runs:
        # A pass that began before ``limit`` was killed; a job runs once a pass: the pass
        # began after its previous run, at the earliest run seen since.
        runs[:] = [seen for seen in runs if seen[1] >= job_started - limit]
        again = [n for n, seen in enumerate(runs) if seen[0] == cron_id]
        if again:
            del runs[: again[-1] + 1]
        runs.append(run)
    return min(started for _cron, started in runs)


def forget_passes():
    """Forget what this thread saw (tests)."""
    _passes.__dict__.clear()
