"""The Xero sandbox as a process of its own (the demo's, or the test tier's with
--sandbox-cmd)."""

import os
import shlex

from .common import REPO, plain_env, say, spawn_detached, stop_process, wait_http


def sandbox_command(python, port, extra=(), override=None):
    """`python -m xero_sandbox --port P --seed ...`, or the --sandbox-cmd/$XERO_SANDBOX_CMD
    override (a shell-like string where {port} and {python} are replaced)."""
    override = override or os.environ.get("XERO_SANDBOX_CMD")
    if override:
        return shlex.split(override.format(port=port, python=python)) + list(extra)
    return [python, "-m", "xero_sandbox", "--port", str(port), "--seed", *extra]


def start_sandbox(python, port, logfile, override, timeout=60):
    """Start the sandbox command `override` (see sandbox_command) in its own process group
    and wait for /sandbox/health."""
    cmd = sandbox_command(python, port, override=override)
    say(f"starting the sandbox: {shlex.join(cmd)}  (log: {logfile})")
    proc = spawn_detached(cmd, logfile, env=plain_env(), cwd=REPO, append=False)
    url = f"http://127.0.0.1:{port}/sandbox/health"
    if not wait_http(url, timeout, proc):
        stop_process(proc)
        tail = logfile.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"the sandbox did not answer 200 on {url}:\n{tail}")
    return proc
