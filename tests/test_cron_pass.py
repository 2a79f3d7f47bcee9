"""The start of a cron worker's pass, as the jobs of one thread see it."""

import threading
import time

import pytest

from xero_client.cron_pass import begin_job, forget_passes, pass_started


@pytest.fixture(autouse=True)
def fresh():
    forget_passes()
    yield
    forget_passes()


class WorkerThread:
    """A worker process's thread: no ``start_time`` stamped on it."""


def test_a_job_outside_any_pass_is_a_pass_of_its_own():
    assert pass_started(100.0, 120, WorkerThread()) == 100.0


def test_the_first_job_of_a_pass_begins_it():
    begin_job("pass 1", began=100.0)
    assert pass_started(100.0, 120, WorkerThread()) == 100.0


def test_the_next_jobs_of_a_pass_belong_to_it():
    thread = WorkerThread()
    begin_job("pass 1", began=100.0)
    begin_job("pass 1", began=130.0)
    assert pass_started(130.0, 120, thread) == 100.0
    begin_job("pass 1", began=150.0)
    assert pass_started(150.0, 120, thread) == 100.0


def test_a_job_of_the_next_pass_is_not_late_in_the_last_one():
    """The pass of a worker's push, then its next pass a minute later with the import only:
    the import has the whole share of its pass."""
    thread = WorkerThread()
    begin_job("pass 1", began=100.0)
    begin_job("pass 2", began=160.0)
    assert pass_started(160.0, 120, thread) == 160.0


class Cursor:
    """Cursors that compare equal, as two passes' cursors to one database might."""

    def __eq__(self, other):
        return isinstance(other, Cursor)

    __hash__ = object.__hash__


def test_the_same_cursor_object_is_the_same_pass_an_equal_one_is_not():
    first, second = Cursor(), Cursor()
    begin_job(first, began=100.0)
    begin_job(first, began=110.0)
    assert pass_started(110.0, 120, WorkerThread()) == 100.0
    begin_job(second, began=120.0)
    assert pass_started(120.0, 120, WorkerThread()) == 120.0


def test_a_pass_older_than_the_limit_is_not_the_jobs():
    begin_job("pass 1", began=100.0)
    assert pass_started(300.0, 120, WorkerThread()) == 300.0


def test_a_job_run_by_hand_forgets_the_pass():
    begin_job("pass 1", began=100.0)
    forget_passes()
    assert pass_started(130.0, 120, WorkerThread()) == 130.0


def test_a_cron_thread_gives_the_pass_it_stamped():
    thread = WorkerThread()
    thread.start_time = time.time() - 40
    begin_job("pass 1")
    started = pass_started(time.monotonic(), 120, thread)
    assert abs(started - (time.monotonic() - 40)) < 0.5


def test_threads_keep_their_own_passes():
    begin_job("pass 1", began=100.0)
    seen = []

    def other_worker():
        begin_job("pass 2", began=500.0)
        seen.append(pass_started(500.0, 120, WorkerThread()))

    other = threading.Thread(target=other_worker)
    other.start()
    other.join()
    assert seen == [500.0]
    assert pass_started(130.0, 120, WorkerThread()) == 100.0
