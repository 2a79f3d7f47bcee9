"""``python -m xero_sandbox --port 8070 [--seed] [--state FILE]``"""

import argparse
import logging
import sys

OWN_PACKAGES = ("xero_sandbox", "xero_client")

try:
    from .server import Sandbox
except ModuleNotFoundError as error:
    if (error.name or "").split(".")[0] in OWN_PACKAGES:
        raise
    sys.exit(
        "python -m xero_sandbox needs the packages of the 'sandbox' extra (%s): install them "
        "with pip install '.[sandbox]' from this repository's folder" % error
    )


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m xero_sandbox", description="Offline emulator of the Xero API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument(
        "--seed",
        action="store_true",
        help="add demo contacts, items and documents to every organisation",
    )
    parser.add_argument(
        "--state", metavar="FILE", help="keep the sandbox's state in this JSON file across restarts"
    )
    parser.add_argument(
        "--clock-speed",
        type=float,
        default=1.0,
        help="run the sandbox clock faster (rate-limit windows, token expiry)",
    )
    parser.add_argument(
        "--idempotency-seconds",
        type=int,
        metavar="SECONDS",
        help="how long an Idempotency-Key is remembered, in sandbox time (default 300)",
    )
    parser.add_argument(
        "--no-validate-responses",
        action="store_true",
        help="skip checking the sandbox's own answers against the spec",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    sandbox = Sandbox(
        host=args.host,
        port=args.port,
        seed=args.seed,
        state_file=args.state,
        validate_responses=not args.no_validate_responses,
        clock_speed=args.clock_speed,
        idempotency_seconds=args.idempotency_seconds,
    )
    print(
        "Xero sandbox on http://%s:%s  (client_id %s, client_secret %s; HTML view at /sandbox/ui)"
        % (args.host, args.port, sandbox.client_id, sandbox.client_secret),
        flush=True,
    )
    try:
        sandbox.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
