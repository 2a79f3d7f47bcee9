"""The plain-Python packages of xero_connector: ``xero_client`` (the Xero client the Odoo addon
imports) and ``xero_sandbox`` (the offline Xero emulator, for the demo and the tests).

The Odoo addon ``xero_connector/`` is not a Python distribution: Odoo loads it from its
addons path. Install this repository into Odoo's Python:

- production: ``pip install /path/to/repository`` (the client and what it needs);
- demo and tests: ``pip install '/path/to/repository[sandbox]'`` adds what the sandbox needs
  (``[test]`` adds what the tests need on top).

tools/devenv reads INSTALL_REQUIRES, SANDBOX_REQUIRES and EXTRAS_REQUIRE below (without
running this file): keep them plain lists.
"""

from setuptools import find_packages, setup

# What the addon and xero_client import (the addon's manifest lists the same in
# external_dependencies).
INSTALL_REQUIRES = [
    "xero-python>=15.0,<16",
    "requests>=2.25,<3",
    "urllib3>=1.26,<3",  # imported by xero_client.client (comes with requests)
]

# The sandbox only: never needed in production.
SANDBOX_REQUIRES = [
    "werkzeug>=2.2,<4",
    "PyYAML>=5.4,<7",
    "jsonschema>=4.18,<5",
    "referencing>=0.28,<1",  # imported by xero_sandbox.spec (comes with jsonschema 4.18+)
    "openapi-schema-validator>=0.6,<0.9",
]

EXTRAS_REQUIRE = {
    "sandbox": SANDBOX_REQUIRES,
    # docutils: the README test; websocket-client: Odoo's browser tests (the tours), which
    # Odoo skips without it.
    "test": SANDBOX_REQUIRES + ["pytest>=7,<10", "docutils>=0.16", "websocket-client>=1.0"],
}

setup(
    name="xero-connector-dev",
    version="19.0.1.0.0",
    description="Xero client and Xero API sandbox of the xero_connector Odoo addon",
    license="LGPL-3",
    python_requires=">=3.10",
    packages=find_packages(
        exclude=["tests", "tests.*", "tools", "tools.*", "xero_connector", "xero_connector.*"]
    ),
    include_package_data=True,
    package_data={"xero_sandbox": ["**/*.json", "**/*.yaml", "**/*.yml", "openapi/LICENSE"]},
    install_requires=INSTALL_REQUIRES,
    extras_require=EXTRAS_REQUIRE,
)
