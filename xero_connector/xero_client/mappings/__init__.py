"""Pure functions between the plain values Odoo extracts and the SDK's models."""
