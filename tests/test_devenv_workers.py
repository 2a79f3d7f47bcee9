"""tools/devenv/workers.py: how the worker-mode run reads Odoo's and PostgreSQL's logs,
compares Odoo's records with the sandbox's objects, plans the presses and judges a
scenario; and the worker-mode tier of `make test`."""

import sys

import pytest

from .test_devenv import REPO, load_devenv
from .test_devenv_cli import fake_plain_tier

load_devenv()
from devenv import cli, odoo_install, tiers, workers  # noqa: E402

ODOO_LOG = """\
2026-12-07 14:50:52,659 18409 INFO wk_run odoo.addons.base.models.ir_cron: \
Job 'Xero: send pending records' (19) starting \n\
2026-12-07 14:50:55,551 18408 INFO wk_run odoo.addons.base.models.ir_cron: \
Job 'Xero: import what changed in Xero' (20) starting \n\
2026-12-07 14:50:57,882 18408 INFO wk_run odoo.addons.base.models.ir_cron: \
Job 'Xero: import what changed in Xero' (20) fully done \
(#loop 1; done 2; remaining 0; duration 2.33s) \n\
2026-12-07 14:50:57,885 18408 INFO wk_run odoo.addons.base.models.ir_cron: \
Job "Xero: apply the events of Xero's webhooks" (21) starting \n\
2026-12-07 14:50:57,893 18408 INFO wk_run odoo.addons.base.models.ir_cron: \
Job "Xero: apply the events of Xero's webhooks" (21) fully done \
(#loop 1; done 0; remaining 0; duration 0.01s) \n\
2026-12-07 14:50:58,082 18408 INFO wk_run odoo.addons.base.models.ir_cron: \
Job 'Mail: Email Queue Manager' (3) starting \n\
2026-12-07 14:52:52,700 18391 ERROR wk_run odoo.service.server: \
WorkerCron (18409) timeout after 120s \n\
2026-12-07 14:52:53,100 18391 ERROR wk_run odoo.service.server: \
WorkerHTTP (18390) timeout after 120s \n\
2026-12-07 14:53:10,000 18420 INFO wk_run odoo.addons.base.models.ir_cron: \
Job 'Xero: send pending records' (19) starting \n\
2026-12-07 14:53:40,000 18420 INFO wk_run odoo.service.server: \
Worker (18420) CPU time limit (60) reached. \n\
2026-12-07 14:53:50,000 18420 INFO wk_run odoo.addons.base.models.ir_cron: \
Job 'Xero: send pending records' (19) failed (#loop 1; done 0; remaining 0; duration 40.00s) \n\
2026-12-07 14:54:50,000 18421 INFO wk_run odoo.addons.base.models.ir_cron: \
Job 'Xero: send pending records' (19) starting \n\
"""


def test_the_cron_runs_and_the_kills_odoo_logged():
    parsed = workers.parse_cron_log(ODOO_LOG)
    push = parsed["runs"]["Xero: send pending records"]
    assert (push["started"], push["ended"]) == (3, 1)
    assert push["statuses"] == {"failed": 1}
    imports = parsed["runs"]["Xero: import what changed in Xero"]
    assert (imports["started"], imports["ended"], imports["durations"]) == (1, 1, [2.33])
    assert "Xero: apply the events of Xero's webhooks" in parsed["runs"]
    assert "Mail: Email Queue Manager" not in parsed["runs"]  # not the addon's
    assert (parsed["cron_kills"], parsed["http_kills"], parsed["cron_cpu_limits"]) == (1, 1, 1)
    assert parsed["killed_jobs"] == ["Xero: send pending records"] * 2
    assert parsed["unfinished"] == ["Xero: send pending records"]  # the last one, still going
    assert workers.cron_kills(parsed) == 2
    assert len(parsed["kill_lines"]) == 3


def test_a_run_still_going_is_not_a_kill():
    parsed = workers.parse_cron_log(ODOO_LOG.split("WorkerCron")[0].rsplit("\n", 1)[0])
    assert workers.cron_kills(parsed) == 0
    assert parsed["unfinished"] == ["Xero: send pending records"]


PG_LOG = """\
2026-12-07 03:44:41.056 UTC [19616] ERROR:  could not serialize access due to concurrent update
2026-12-07 03:44:41.056 UTC [19616] STATEMENT:  SELECT id FROM xero_token WHERE id = 50
2026-12-07 03:44:42.000 UTC [19617] ERROR:  deadlock detected
2026-12-07 03:44:42.000 UTC [19617] DETAIL:  Process 19617 waits for ShareLock on transaction 9
2026-12-07 03:44:43.000 UTC [777] ERROR:  could not serialize access due to read/write dependencies
2026-12-07 03:44:44.000 UTC [19616] ERROR:  duplicate key value violates unique constraint "x"
2026-12-07 03:44:45.000 UTC [8565] LOG:  checkpoint starting: immediate force wait
"""


def test_postgresqls_errors_of_our_backends_only():
    assert workers.count_pg_errors(PG_LOG) == {"serialization": 2, "deadlock": 1}
    assert workers.count_pg_errors(PG_LOG, {19616, 19617}) == {"serialization": 1, "deadlock": 1}
    assert workers.count_pg_errors(PG_LOG, set()) == {"serialization": 0, "deadlock": 0}


@pytest.mark.parametrize(
    "text, words",
    [
        (
            "could not serialize access due to concurrent update",
            ["could not serialize", "concurrent update"],
        ),
        ("psycopg2.errors.DeadlockDetected: deadlock detected", ["deadlock", "psycopg2"]),
        ('insert violates foreign key constraint "x"', ["violates"]),
        ("Xero's limit was reached: Odoo sends the rest at 10:42.", []),
        (None, []),
    ],
)
def test_postgresqls_words(text, words):
    assert workers.pg_words_in(text) == words


def test_every_record_sent_once_and_every_object_linked_once():
    held = ["A", "B", "C", "OLD"]
    check = workers.compare_links(
        ours={1: "a", 2: "b", 3: "c"},
        linked={1: "a", 2: "b", 3: "c", 9: "old"},
        held_ids=held,
        before_ids={"old"},
    )
    assert (check["duplicates"], check["lost"], check["in_xero"]) == (0, 0, 3)
    assert check["new_in_xero"] == 3


def test_duplicates_and_lost_records_are_counted_record_by_record():
    check = workers.compare_links(
        ours={1: "a", 2: False, 3: "gone", 4: "d", 5: "d"},
        linked={1: "a", 3: "gone", 4: "d", 5: "d", 8: "old"},
        held_ids=["a", "d", "made-twice", "old"],
        before_ids=["old"],
    )
    assert check["unsent"] == [2]
    assert check["missing"] == [3]
    assert check["orphans"] == ["made-twice"]  # made in Xero, linked to nothing in Odoo
    assert check["shared"] == {"d": [4, 5]}  # one Xero object for two Odoo records
    assert (check["duplicates"], check["lost"]) == (2, 2)


def test_a_record_sent_but_pending_again_is_not_in_xero_yet():
    check = workers.compare_links(
        ours={1: "a", 2: "b", 3: False},
        linked={1: "a", 2: "b"},
        held_ids=["a", "b"],
        before_ids=[],
        pending=[2, 3],
    )
    assert (check["unsent"], check["pending"], check["lost"]) == ([3], [2], 2)


def test_repeats():
    assert workers.repeats(["a", "a", "b", "a", None, None, "c"]) == 2
    assert workers.repeats([]) == 0


def test_four_people_press_on_overlapping_selections():
    partners = list(range(100, 700))
    invoices = list(range(1000, 1300))
    selections = [("res.partner", partners), ("account.move", invoices)]
    plans = [workers.press_plan(p, 4, selections, 60) for p in range(4)]
    assert [model for model, _ids in plans[0]] == ["res.partner", "account.move"] * 2
    assert all(len(ids) == 60 for plan in plans for _m, ids in plan)
    first, second = set(plans[0][0][1]), set(plans[1][0][1])
    assert len(first & second) == 30  # neighbours share half their records
    assert not set(plans[0][0][1]) & set(plans[0][2][1])  # a person's next press moves on
    assert workers.overlapping_slice([1, 2, 3], 2, 5) == [3, 1, 2]
    assert workers.overlapping_slice([], 0, 5) == []


def test_answers_as_people_read_them():
    assert workers.describe_answer(True) == "sent at once"
    notification = {
        "type": "ir.actions.client",
        "tag": "display_notification",
        "params": {"message": "60 records are being sent to Xero in the background."},
    }
    assert workers.describe_answer(notification).startswith("60 records")
    assert workers.answer_kind("60 records of 12") == "N records of N"


def test_a_report_passes_only_when_every_mark_holds(capsys):
    report = workers.Report("presses")
    report.figure("most calls in any 60 s", 58)
    report.figure("last error", "line one\nline two")
    report.mark("at most 60 calls in any 60 s", True, "58")
    assert report.ok
    report.mark("0 deadlocks", False, "2")
    assert not report.ok
    lines = report.lines()
    assert lines[0] == "WORKERS presses most calls in any 60 s: 58"
    assert lines[1] == "WORKERS presses last error: line one / line two"
    assert "WORKERS presses mark 0 deadlocks: FAIL (2)" in lines
    assert lines[-1] == "WORKERS presses verdict: FAILED (1 of 2 pass marks missed)"
    broken = workers.Report("large_org")
    broken.problem = "Odoo did not answer"
    assert not broken.ok
    assert "did not run to the end: Odoo did not answer" in broken.lines()[-1]


def test_the_command_line_and_the_makefile():
    args = cli.build_parser().parse_args(
        ["workers", "--scenario", "presses", "--keep", "--partners", "60"]
    )
    assert args.func is workers.cmd_workers
    assert (args.scenario, args.keep, args.partners, args.invoices) == (["presses"], True, 60, 300)
    defaults = workers.default_options()
    assert defaults.scenario is None and defaults.contacts == 5000 and defaults.latency == 1.0
    assert "workers:" in (REPO / "Makefile").read_text()
    test = cli.build_parser().parse_args(["test", "--skip-workers"])
    assert test.skip_workers and not test.skip_odoo


def test_the_readme_says_how_to_run_it():
    readme = (REPO / "README.md").read_text()
    assert "make workers" in readme
    assert "GET /sandbox/stats" in readme


def test_the_worker_mode_tier_counts_one_test_per_scenario(monkeypatch, capsys):
    odoo = odoo_install.OdooInstall("/odoo/odoo-bin", sys.executable, "19.0", ["/odoo/addons"])
    monkeypatch.setattr(tiers, "find_odoo", lambda explicit=None: odoo)
    monkeypatch.setattr(tiers, "choose_python", lambda odoo: (sys.executable, "$XERO_PYTHON"))
    monkeypatch.setattr(tiers, "ensure_requirements", lambda python, what: True)
    monkeypatch.setattr(tiers, "odoo_requirements_met", lambda odoo: True)
    monkeypatch.setattr(tiers, "run_plain_tier", fake_plain_tier)

    def odoo_tier(odoo, python, args, timer):
        result = tiers.TierResult("Odoo tier")
        result.ran = result.ok = True
        result.passed = 10
        return result

    def scenarios(odoo, python, args, timer=None):
        passed, failed = workers.Report("large_org"), workers.Report("presses")
        passed.mark("0 lost", True)
        failed.mark("0 deadlocks", False, "1")
        return [(passed, 60.0), (failed, 90.0)]

    monkeypatch.setattr(tiers, "run_odoo_tier", odoo_tier)
    monkeypatch.setattr(tiers, "run_scenarios", scenarios)
    assert tiers.cmd_test(cli.build_parser().parse_args(["test"])) == 1
    out = capsys.readouterr().out
    assert "worker-mode tier   FAILED   1 passed, 1 failed, 0 skipped" in out
    assert out.rstrip().splitlines()[-1] == "total: 14 passed, 1 failed, 0 skipped"


def test_skip_workers_says_so(monkeypatch, capsys):
    odoo = odoo_install.OdooInstall("/odoo/odoo-bin", sys.executable, "19.0", ["/odoo/addons"])
    monkeypatch.setattr(tiers, "find_odoo", lambda explicit=None: odoo)
    monkeypatch.setattr(tiers, "choose_python", lambda odoo: (sys.executable, "$XERO_PYTHON"))
    monkeypatch.setattr(tiers, "ensure_requirements", lambda python, what: True)
    monkeypatch.setattr(tiers, "run_plain_tier", fake_plain_tier)
    monkeypatch.setattr(tiers, "run_odoo_tier", lambda *a: fake_plain_tier(None, None))
    monkeypatch.setattr(tiers, "run_scenarios", pytest.fail)
    args = cli.build_parser().parse_args(["test", "--skip-workers"])
    assert tiers.cmd_test(args) == 0
    assert "worker-mode tier   SKIPPED  --skip-workers given" in capsys.readouterr().out


def test_the_reads_of_contacts_by_kind():
    entries = [
        {"method": "GET", "path": "/Contacts", "query": "order=UpdatedDateUTC+ASC&page=1"},
        {"method": "GET", "path": "/Contacts", "query": "page=2&pageSize=1000"},
        {"method": "GET", "path": "/Contacts", "query": "page=1"},
        {"method": "GET", "path": "/Contacts", "query": "IDs=a%2Cb&page=1"},
        {"method": "GET", "path": "/Contacts/abc", "query": ""},
        {"method": "PUT", "path": "/Contacts", "query": ""},
    ]
    assert workers.contact_reads(entries) == {"look-up by IDs": 1, "page 1": 2, "page 2": 1}


def test_odoos_errors_by_what_they_say():
    log = (
        "2026-12-07 15:04:30,036 612 ERROR wk odoo.sql_db: bad query: b'INSERT INTO x' \n"
        "ERROR: insert or update on table violates foreign key constraint\n"
        "2026-12-07 15:04:32,613 613 ERROR wk odoo.sql_db: bad query: b'INSERT INTO y' \n"
        "2026-12-07 15:04:33,000 613 WARNING wk odoo.http: not an error \n"
        "2026-12-07 15:04:34,000 613 ERROR wk odoo.service.server: WorkerCron (12) timeout \n"
    )
    assert workers.odoo_errors(log) == {
        "odoo.sql_db: bad query": 2,
        "odoo.service.server: WorkerCron (N) timeout": 1,
    }


def test_when_the_pages_of_contacts_were_read():
    entries = [
        {"method": "GET", "path": "/Contacts", "query": "page=1", "at": 1012.5},
        {"method": "GET", "path": "/Organisation", "query": "", "at": 1013.0},
        {"method": "GET", "path": "/Contacts", "query": "page=2", "at": 1040.0},
    ]
    assert workers.contact_read_times(entries, 1000.0) == [12.5, 40.0]
