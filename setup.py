"""The repository's plain-Python packages, for development: ``xero_sandbox`` (the offline
Xero emulator, for the demo and the tests) and ``xero_client`` (a symbolic link to
``xero_connector/xero_client``, for the plain-Python tests, the sandbox and the tools).

Production installs the addon alone, as OCA's addons install: its folder is the
distribution ``odoo-addon-xero_connector`` (``xero_connector/pyproject.toml``, built by whool),
with xero_client inside it: ``pip install ./xero_connector`` (docs/install.md).

- demo and tests: ``pip install '/path/to/repository[sandbox]'`` adds what the sandbox needs
  (``[test]`` adds what the tests need on top).

tools/devenv reads INSTALL_REQUIRES, SANDBOX_REQUIRES and EXTRAS_REQUIRE below (without
running this file): keep them plain lists.
"""

from setuptools import find_packages, setup

# What xero_client imports (the addon's manifest lists the same, in external_dependencies).
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
    description="Xero API sandbox and Xero client of the xero_connector Odoo addon (development)",
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
