# Copyright 2026 xero_connector developers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Xero Connector",
    "summary": "Sync contacts, items, invoices, bills, purchase orders and payments with Xero",
    "version": "19.0.1.5.0",
    "category": "Accounting",
    "license": "LGPL-3",
    "author": "xero_connector developers",
    "website": "https://github.com/xero-connector/xero_connector",
    # The Apps store's cover; static/description/index.html is the module's page.
    "images": ["static/description/banner.png"],
    "depends": ["account", "purchase", "mail"],
    # What the addon and xero_client (inside this folder) import, as PyPI requirements: the
    # same as setup.py's INSTALL_REQUIRES. The wheel (pyproject.toml) requires them.
    "external_dependencies": {
        "python": ["xero-python>=15.0,<16", "requests>=2.25,<3", "urllib3>=1.26,<3"]
    },
    "data": [
        "security/xero_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/mail_activity_type_data.xml",
        "views/xero_connection_views.xml",
        "views/xero_sync_log_views.xml",
        "views/res_partner_views.xml",
        "views/product_views.xml",
        "views/account_move_views.xml",
        "views/purchase_order_views.xml",
        "views/xero_payment_views.xml",
        "views/xero_odoo_payment_views.xml",
        "views/xero_webhook_event_views.xml",
        "views/xero_health_views.xml",
        "views/xero_drift_views.xml",
        "views/xero_document_preview_views.xml",
        "views/xero_mapping_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/xero_oauth_templates.xml",
        "views/xero_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "xero_connector/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
