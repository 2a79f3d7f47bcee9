"""Developer commands of xero_connector: ``test``, ``demo``, ``demo-stop``, ``bench``,
``workers`` and ``lint``.

Standard library only, so that it runs with any Python 3.8+ before anything is installed.
The Makefile at the top of the repository calls it (``python3 tools/devenv``);
``python3 tools/devenv --help`` lists the options.

Nothing is created inside the repository: virtualenvs, the PostgreSQL cluster, logs and the
demo state live beside it (``../xero-venv``, ``../.xero-dev/``). Odoo itself is never
installed by these commands: they only *find* an existing Odoo 19.0 install.

One module per concern:

- ``common``: paths, output, ports, HTTP probes, processes;
- ``requirements``: the Python packages setup.py asks for, and which Python runs the tests;
- ``odoo_install``: finding Odoo 19 and building its command line;
- ``pg``: the private PostgreSQL cluster;
- ``sandbox``: starting the Xero sandbox as a process;
- ``tiers``: ``test``, its three tiers and their verdicts;
- ``workers``: ``workers``, Odoo as a server with workers under load, over HTTP (also the
  third tier of ``test``);
- ``bench``: ``bench``, the addon's benchmark;
- ``odoo_rpc``: a logged-in Odoo user over HTTP (JSON-RPC);
- ``demo`` and ``demo_company``: ``demo``/``demo-stop``, and the demo company's books;
- ``lint``: ``lint``;
- ``cli``: the command line.
"""
