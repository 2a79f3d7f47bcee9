"""``python3 tools/devenv COMMAND``: runs the package as a script (what the Makefile does)."""

import os
import sys

if __package__ in (None, ""):
    # Run as `python3 tools/devenv`: Python put this folder first on sys.path, where its
    # modules would shadow top-level ones. Put tools/ there instead and import the package.
    _HERE = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == _HERE:
        del sys.path[0]
    sys.path.insert(0, os.path.dirname(_HERE))
    from devenv.cli import main
else:
    from .cli import main

if __name__ == "__main__":
    sys.exit(main())
