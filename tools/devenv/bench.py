"""``bench``: the addon's benchmark (Odoo's test tag ``xero_benchmark``, left out of the
standard run) on a fresh database, its figures printed at the end."""

import shlex

from .common import ADDON, DEV_DIR, plain_env, say, step
from .odoo_install import odoo_ready
from .pg import PgCluster
from .tiers import odoo_test_cmd, odoo_tier_verdict, parse_odoo_log, run_streaming

BENCH_DB = "xero_bench"
BENCH_TAG = "xero_benchmark"
FIGURE = "XERO-BENCHMARK "


def figures(output):
    """The lines the benchmark prints, without their marker."""
    return [line.split(FIGURE, 1)[1] for line in output.splitlines() if FIGURE in line]


def cmd_bench(args):
    odoo = odoo_ready(args.odoo_bin, "BENCHMARK NOT RUN: no Odoo install found")
    if odoo is None:
        return 2
    pg = PgCluster()
    pg.start()
    try:
        pg.drop_db(BENCH_DB)
        env = plain_env()
        env.pop("XERO_SANDBOX_URL", None)  # the tests start their sandbox in Odoo's process
        cmd = odoo_test_cmd(odoo, pg, db=BENCH_DB, tags=BENCH_TAG)
        step(f"benchmark: {odoo}")
        say(shlex.join(cmd))
        rc, output = run_streaming(cmd, env, DEV_DIR / "logs" / "odoo-bench.log")
        ok, reason = odoo_tier_verdict(rc, parse_odoo_log(output), pg.module_state(BENCH_DB, ADDON))
    finally:
        if pg.started_here and not args.keep_pg and not pg.others_connected(BENCH_DB):
            pg.stop()
    say("\n" + "=" * 100)
    say("BENCHMARK" + ("" if ok else f" (FAILED: {reason})"))
    for line in figures(output):
        say(f"  {line}")
    say("=" * 100)
    return 0 if ok else 1
