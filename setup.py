"""Plain-Python packages of xero_connector (the Xero sandbox and future helpers).

The Odoo addon `xero_connector/` is not a Python distribution: Odoo loads it from its
addons path. tools/devenv.py reads INSTALL_REQUIRES and EXTRAS_REQUIRE below.
"""

from setuptools import find_packages, setup

INSTALL_REQUIRES = [
    "xero-python>=15.0,<16",
    "requests>=2.25,<3",
    "werkzeug>=2.2,<4",
    "PyYAML>=5.4,<7",
    "jsonschema>=4.18,<5",
    "referencing>=0.28,<1",  # imported by xero_sandbox.spec (comes with jsonschema 4.18+)
    "openapi-schema-validator>=0.6,<0.9",
]

EXTRAS_REQUIRE = {
    "test": ["pytest>=7,<10"],
}

setup(
    name="xero-connector-dev",
    version="19.0.1.0.0",
    description="Xero API sandbox and plain-Python helpers of the xero_connector Odoo addon",
    license="LGPL-3",
    python_requires=">=3.10",
    packages=find_packages(
        exclude=["tests", "tests.*", "tools", "tools.*", "xero_connector", "xero_connector.*"]
    ),
    include_package_data=True,
    package_data={"xero_sandbox": ["**/*.json", "**/*.yaml", "**/*.yml"]},
    install_requires=INSTALL_REQUIRES,
    extras_require=EXTRAS_REQUIRE,
)
