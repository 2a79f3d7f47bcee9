"""``lint``: pre-commit with OCA's checks, from a virtualenv of its own."""

import hashlib
import subprocess
import sys

from .common import DEV_DIR, REPO, say, step


def file_digests(files):
    digests = {}
    for name in files:
        try:
            digests[name] = hashlib.sha256((REPO / name).read_bytes()).hexdigest()
        except OSError:
            digests[name] = None
    return digests


def cmd_lint(args):
    """pre-commit on every file of the repository (tracked or new), from a tool venv."""
    tools = DEV_DIR / "lint-venv"
    precommit = tools / "bin" / "pre-commit"
    if not precommit.exists():
        step(f"installing pre-commit into {tools}")
        subprocess.run([sys.executable, "-m", "venv", str(tools)], check=True)
        subprocess.run(
            [str(tools / "bin" / "pip"), "install", "--quiet", "pre-commit>=3.5,<5"], check=True
        )
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    before = file_digests(files)
    cmd = [str(precommit), "run", "--show-diff-on-failure", "--color=never", "--files", *files]
    rc = subprocess.run(cmd, cwd=REPO).returncode
    # pre-commit only notices the changes its fixers make to files git already tracks
    changed = [name for name, digest in file_digests(files).items() if digest != before[name]]
    if changed:
        say(f"\nthe hooks changed {len(changed)} file(s): {', '.join(changed)}")
        rc = rc or 1
    return rc
