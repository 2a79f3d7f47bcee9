"""The start of a cron worker's pass, as the jobs of one thread see it."""

import threading
import time

import pytest

from xero_client.cron_pass import forget_passes, pass_started


@pytest.fixture(autouse=True)
def fresh():
    forget_passes()
    yield
    forget_passes()


class WorkerThread:
    """A worker process's thread: no ``start_time`` stamped on it."""


def test_the_first_job_of_a_pass_starts_it():
    assert pass_started(1, 100.0, 120, WorkerThread()) == 100.0


def test_the_next_jobs_of_a_pass_belong_to_it():
    thread = WorkerThread()
    pass_started(1, 100.0, 120, thread)
    assert pass_started(2, 130.0, 120, thread) == 100.0
    assert pass_started(3, 150.0, 120, thread) == 100.0


def test_the_same_job_asking_again_in_its_run_keeps_its_pass():
    thread = WorkerThread()
    pass_started(1, 100.0, 120, thread)
    pass_started(2, 130.0, 120, thread)
    assert pass_started(2, 130.0, 120, thread) == 100.0


def test_a_job_run_again_begins_a_new_pass():
    thread = WorkerThread()
    pass_started(1, 100.0, 120, thread)
    pass_started(2, 110.0, 120, thread)
    # Job 2 may have begun this pass: taken as its start, the earlier one.
    assert pass_started(1, 160.0, 120, thread) == 110.0
    assert pass_started(2, 165.0, 120, thread) == 160.0


def test_a_pass_older_than_the_limit_is_over():
    thread = WorkerThread()
    pass_started(1, 100.0, 120, thread)
    assert pass_started(2, 300.0, 120, thread) == 300.0


def test_a_cron_thread_gives_the_pass_it_stamped():
    thread = WorkerThread()
    thread.start_time = time.time() - 40
    started = pass_started(1, time.monotonic(), 120, thread)
    assert abs(started - (time.monotonic() - 40)) < 0.5


def test_threads_keep_their_own_passes():
    pass_started(1, 100.0, 120, WorkerThread())
    seen = []
    other = threading.Thread(
        target=lambda: seen.append(pass_started(2, 500.0, 120, WorkerThread()))
    )
    other.start()
    other.join()
    assert seen == [500.0]
    assert pass_started(2, 130.0, 120, WorkerThread()) == 100.0


def test_a_job_new_to_the_last_pass_then_one_run_again_keep_the_earlier_start():
    thread = WorkerThread()
    pass_started(5, 0.0, 120, thread)
    assert pass_started(7, 100.0, 120, thread) == 0.0
    # The second run of job 5: its pass began after its first run, at job 7's at the latest.
    assert pass_started(5, 150.0, 120, thread) == 100.0


def test_a_pass_dropping_a_run_older_than_the_limit_keeps_the_next_earliest():
    thread = WorkerThread()
    pass_started(5, 0.0, 120, thread)
    pass_started(7, 100.0, 120, thread)
    assert pass_started(8, 130.0, 120, thread) == 100.0
