from . import xero_mapping_wizard
from . import xero_mapping_wizard_account
from . import xero_mapping_wizard_tax
from . import xero_mapping_wizard_plan
from . import xero_mapping_wizard_analytic
from . import xero_mapping_wizard_category
from . import xero_document_preview
from . import xero_mapping_wizard_bank
