"""The pure parts of ``make chaos`` (tools/devenv/chaos.py): counting, comparing, the last
line."""

from .test_devenv import load_devenv

load_devenv()
from devenv import chaos  # noqa: E402


def test_last_line_format():
    assert chaos.last_line(10234, 57, 0, 0) == (
        "chaos: 10234 operations, 57 faults, 0 duplicates, 0 lost"
    )


def test_merge_stats_adds_calls_and_keeps_the_highest_figures():
    lives = [
        {
            "calls": 100,
            "max_in_flight": 5,
            "max_per_minute": 41,
            "refused": {"minute": 0, "concurrent": 1},
            "injected": {"minute": 12},
            "gets": {"Contacts": 3},
        },
        {
            "calls": 20,
            "max_in_flight": 3,
            "max_per_minute": 58,
            "refused": {"minute": 2},
            "injected": {"day": 1},
            "gets": {"Contacts": 1},
        },
    ]
    merged = chaos.merge_stats(lives)
    assert merged["calls"] == 120
    assert (merged["max_in_flight"], merged["max_per_minute"]) == (5, 58)
    assert merged["refused_total"] == 3
    assert merged["injected"] == {"minute": 12, "day": 1}
    assert merged["gets"] == {"Contacts": 4}
    assert chaos.merge_stats([])["max_per_minute"] == 0


def test_busiest_minute_spans_the_restart_and_leaves_out_refusals():
    # 30 calls just before a restart and 31 just after: 61 in one minute.
    before = [{"at": 1000.0 + i, "duration_ms": 0, "status": 200} for i in range(30)]
    after = [{"at": 1040.0 + i * 0.5, "duration_ms": 0, "status": 200} for i in range(31)]
    assert chaos.busiest_minute(before + after) == 61
    refused = [{"at": 1050.0, "status": 429, "fault": None} for _ in range(10)]
    injected = [{"at": 1051.0, "status": 429, "fault": "rate_limit"}]
    assert chaos.busiest_minute(before + after + refused + injected) == 62
    # The start of a call is its answer less its duration.
    assert (
        chaos.busiest_minute(
            [
                {"at": 100.0, "duration_ms": 70000, "status": 200},
                {"at": 100.0, "duration_ms": 0, "status": 200},
            ]
        )
        == 1
    )


def test_running_jobs_from_the_odoo_log():
    log = "\n".join(
        [
            "2026-01-01 10:00:00,001 111 INFO ch_base_run odoo.addons.base.models.ir_cron: "
            "Job 'Xero: send pending records' (5) starting ",
            "2026-01-01 10:00:00,002 222 INFO ch_base_run odoo.addons.base.models.ir_cron: "
            "Job 'Xero: import what changed in Xero' (6) starting ",
            "2026-01-01 10:00:01,000 222 INFO ch_base_run odoo.addons.base.models.ir_cron: "
            "Job 'Xero: import what changed in Xero' (6) fully done (#loop 1; done 0; "
            "remaining 0; duration 1.00s) ",
            "2026-01-01 10:00:02,000 333 INFO ch_base_run odoo.addons.base.models.ir_cron: "
            "Job 'Mail: send' (9) starting ",
        ]
    )
    assert chaos.running_jobs(log) == {111: "Xero: send pending records"}


def test_compare_payments_finds_duplicates_and_lost_both_ways():
    held = {
        "P1": "AUTHORISED",
        "P2": "AUTHORISED",
        "P3": "AUTHORISED",
        "P4": "AUTHORISED",
        "P5": "DELETED",
        "OLD": "AUTHORISED",
    }
    result = chaos.compare_payments(
        {1: "P1", 2: False, 3: "P5"},  # 2 never sent; 3 names a deleted payment
        {10: "P2"},
        ["P2", "P9"],  # P9 made in Xero, never read into Odoo
        held,
        ["OLD"],
    )
    assert result["unsent"] == [2]
    assert result["missing"] == [3]
    assert result["unread"] == ["P9"]
    assert result["orphans"] == ["p3", "p4"]  # made during the run, named by no record
    assert result["duplicates"] == 2
    assert result["lost"] == 3
    clean = chaos.compare_payments({1: "P1"}, {10: "P2"}, ["P2"], held, ["OLD", "P3", "P4"])
    assert (clean["duplicates"], clean["lost"]) == (0, 0)
    shared = chaos.compare_payments({1: "P1", 2: "P1"}, {}, [], {"P1": "AUTHORISED"}, [])
    assert shared["duplicates"] == 1


def test_status_and_error_grouping():
    assert chaos.status_matches("posted", "PAID", chaos.XERO_STATUS_OF)
    assert chaos.status_matches("cancel", "VOIDED", chaos.XERO_STATUS_OF)
    assert not chaos.status_matches("cancel", "AUTHORISED", chaos.XERO_STATUS_OF)
    assert not chaos.status_matches("purchase", "DELETED", chaos.PO_STATUS_OF)
    rows = [
        {"id": 1, "xero_error": "Xero refused it: no name"},
        {"id": 2, "xero_error": "Xero refused it: no name"},
        {"id": 3, "xero_error": False},
    ]
    assert chaos.error_reasons(rows, "contact") == [
        ("Xero refused it: no name", ["contact 1", "contact 2"]),
        ("no reason given", ["contact 3"]),
    ]


def push_log(*lines):
    return "\n".join(
        f"2026-01-01 10:00:0{i},000 {pid} INFO ch_base_run odoo.addons.base.models.ir_cron: "
        f"Job '{name}' (5) {what} "
        for i, (pid, name, what) in enumerate(lines)
    )


DONE = "fully done (#loop 1; done 0; remaining 0; duration 0.01s)"


def test_job_runs_tell_one_run_from_the_next():
    first = chaos.job_runs(push_log((111, "Xero: send pending records", "starting")))
    again = chaos.job_runs(
        push_log(
            (111, "Xero: send pending records", "starting"),
            (111, "Xero: send pending records", DONE),
            (111, "Xero: send pending records", "starting"),
        )
    )
    assert first[111][0] == again[111][0] == "Xero: send pending records"
    assert first[111][1] != again[111][1]
    # The first run ended, a second began: nothing of the first is still running.
    assert chaos.still_running(first, again) == {}
    assert chaos.still_running(first, first) == first


def test_busy_push_waits_for_a_push_under_way_on_a_live_worker():
    runs = chaos.job_runs(
        push_log(
            (111, "Xero: send pending records", "starting"),
            (222, "Xero: import what changed in Xero", "starting"),
        )
    )
    seen = {}
    alive = {111}.__contains__
    assert chaos.busy_push(runs, seen, 10.0, alive) is None  # just begun
    assert chaos.busy_push(runs, seen, 10.5, alive) is None
    assert chaos.busy_push(runs, seen, 11.0, alive) == 111  # a second under way
    assert chaos.busy_push(runs, seen, 12.0, lambda pid: False) is None  # killed already


def test_admitted_calls():
    assert chaos.admitted({"status": 200})
    assert chaos.admitted({"status": 429, "fault": "rate_limit"})
    assert chaos.admitted({"status": "dropped", "fault": "drop_after_write"})
    assert not chaos.admitted({"status": 429, "fault": None})
    assert not chaos.admitted({"status": 401})


def test_the_small_run_goes_through_every_fault():
    assert chaos.SIZES["small"]["cycles"] == 1
    assert {
        "minute_429",
        "day_limit",
        "errors_5xx",
        "timeouts",
        "drop_after_write",
        "kill_worker",
        "presses_vs_push",
        "tokens",
        "sandbox_restart",
        "together",
    } <= set(chaos.PHASES)
    assert all(port in range(18100, 18200) for port in chaos.PORTS)
    assert chaos.BASE_DB.startswith("ch_")
