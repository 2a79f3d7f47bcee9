"""When the pass of a cron worker began: Odoo's cron worker runs every job that is due, one
after the other, and kills the whole pass at its time limit (``limit_time_real_cron``). A job
sees only its own start (``cron_end_time``).

An Odoo cron thread (threaded server) stamps the pass on itself (``start_time``, wall clock),
as an HTTP thread stamps its request. A worker process does not, but it runs every job of a
pass with one cursor: ``begin_job``, called as each job begins, notes when a cursor new to the
thread ran its first job. Plain Python: no Odoo import."""

import threading
import time

_passes = threading.local()


def begin_job(pass_cursor, began=None):
    """A job of the pass that holds ``pass_cursor`` begins in this thread: the first job of
    a cursor new to the thread begins a pass, at ``began`` (monotonic; default now)."""
    if getattr(_passes, "cursor", None) is not pass_cursor:
        # The cursor itself is kept, not its id: a new pass's cursor may reuse a freed id.
        _passes.cursor = pass_cursor
        _passes.began = time.monotonic() if began is None else began


def pass_started(job_started, limit, thread=None):
    """The monotonic time at which the pass that runs a job started at ``job_started``
    began: the one stamped on the thread, else the one ``begin_job`` noted, unless it is
    over ``limit`` seconds old (a pass that lasted longer was killed: the job is not one of
    it), else the job's own start."""
    thread = thread or threading.current_thread()
    stamped = getattr(thread, "start_time", None)
    if stamped:
        return time.monotonic() - (time.time() - stamped)
    began = getattr(_passes, "began", None)
    if began is None or began < job_started - limit:
        return job_started
    return min(began, job_started)


def forget_passes():
    """Forget the pass this thread saw: its next job begins one (a job run by hand, tests)."""
    _passes.__dict__.clear()
