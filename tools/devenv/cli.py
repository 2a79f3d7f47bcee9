"""The command line: ``python3 tools/devenv {test,demo,demo-stop,bench,workers,chaos,lint}
[options]``."""

import argparse

from .bench import cmd_bench
from .chaos import add_chaos_options, cmd_chaos
from .common import ADDON, DEMO_DB, say
from .demo import cmd_demo, cmd_demo_stop
from .lint import cmd_lint
from .tiers import cmd_test
from .workers import add_workers_options, cmd_workers

DESCRIPTION = (
    "Developer commands of xero_connector: test, demo, demo-stop, bench, workers, chaos and lint."
)


def build_parser():
    parser = argparse.ArgumentParser(prog="python3 tools/devenv", description=DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)

    def add_odoo_bin(p, sandbox_help):
        p.add_argument(
            "--odoo-bin",
            default=None,
            help="Odoo 19 odoo-bin (default: $ODOO_BIN, odoo on PATH, ../odoo-src/odoo-bin)",
        )
        p.add_argument(
            "--sandbox-cmd",
            default=None,
            help=sandbox_help + " ({port} and {python} are replaced; also $XERO_SANDBOX_CMD)",
        )

    test = sub.add_parser("test", help="run the test tiers")
    add_odoo_bin(
        test,
        "run the Odoo tests against a sandbox process started with this command "
        "(default: the tests start a sandbox in Odoo's process, as under Odoo's runner alone)",
    )
    test.add_argument(
        "--skip-odoo", action="store_true", help="run the plain tier only (no Odoo, no workers)"
    )
    test.add_argument("--skip-workers", action="store_true", help="leave out the worker-mode tier")
    test.add_argument("--keep-pg", action="store_true", help="leave PostgreSQL running")
    test.add_argument("--with-demo", action="store_true", help="load Odoo demo data")
    test.add_argument(
        "--odoo-timeout", type=int, default=45, help="minutes before the Odoo run is killed"
    )
    test.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    test.set_defaults(func=cmd_test)

    demo = sub.add_parser("demo", help="start PostgreSQL, the sandbox and Odoo for a person")
    add_odoo_bin(
        demo,
        "command starting the sandbox instead of `python -m xero_sandbox --port {port} --seed`",
    )
    demo.add_argument("--http-port", type=int, default=8069)
    demo.add_argument("--sandbox-port", type=int, default=8070)
    demo.add_argument(
        "--fresh",
        action="store_true",
        help=f"start over: drop the database {DEMO_DB} and the sandbox's saved state first",
    )
    demo.add_argument(
        "--update",
        action="store_true",
        help=f"update {ADDON} (-u) first (automatic when its "
        "files changed since the last install or update)",
    )
    demo.set_defaults(func=cmd_demo)

    stop = sub.add_parser("demo-stop", help="stop what `demo` started")
    stop.set_defaults(func=cmd_demo_stop)

    bench = sub.add_parser("bench", help="the addon's benchmark figures (test tag xero_benchmark)")
    bench.add_argument("--odoo-bin", default=None, help="Odoo 19 odoo-bin (as for test)")
    bench.add_argument("--keep-pg", action="store_true", help="leave PostgreSQL running")
    bench.set_defaults(func=cmd_bench)

    workers = sub.add_parser(
        "workers",
        help="Odoo with workers under load, over HTTP: the figures of issue 24 (calls a "
        "minute, pages read, deadlocks) and their pass marks",
    )
    add_workers_options(workers)
    workers.set_defaults(func=cmd_workers)

    chaos = sub.add_parser(
        "chaos",
        help="thousands of operations through Odoo with workers while faults are injected; "
        "Odoo's records compared with the sandbox's (issue 20)",
    )
    add_chaos_options(chaos)
    chaos.set_defaults(func=cmd_chaos)

    lint = sub.add_parser("lint", help="pre-commit on all files")
    lint.set_defaults(func=cmd_lint)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        say("interrupted")
        return 130
