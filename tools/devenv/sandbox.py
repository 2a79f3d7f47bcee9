"""The Xero sandbox as a process of its own (the demo's, or the test tier's with
--sandbox-cmd)."""

import os
import shlex
import subprocess

from .common import REPO, plain_env, say, stop_process, wait_http


def sandbox_command(python, port, extra=(), override=None):
    """`python -m xero_sandbox --port P --seed ...`, or the --sandbox-cmd/$XERO_SANDBOX_CMD
    override (a shell-like string where {port} and {python} are replaced)."""
    override = override or os.environ.get("XERO_SANDBOX_CMD")
    if override:
        return shlex.split(override.format(port=port, python=python)) + list(extra)
    return [python, "-m", "xero_sandbox", "--port", str(port), "--seed", *extra]


def start_sandbox(python, port, logfile, extra=(), override=None, timeout=60):
    """Start the sandbox in its own process group and wait for /sandbox/health."""
    cmd = sandbox_command(python, port, extra, override)
    if not override and not os.environ.get("XERO_SANDBOX_CMD"):
        if not (REPO / "xero_sandbox" / "__main__.py").exists():
            raise RuntimeError("xero_sandbox/__main__.py does not exist yet")
    say(f"starting the sandbox: {shlex.join(cmd)}  (log: {logfile})")
    logfile.parent.mkdir(parents=True, exist_ok=True)
    with open(logfile, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO,
            env=plain_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/sandbox/health"
    if not wait_http(url, timeout, proc):
        stop_process(proc)
        tail = logfile.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"the sandbox did not answer 200 on {url}:\n{tail}")
    return proc
