from . import xero_connection
from . import xero_sync_log
from . import xero_sync_mixin
from . import res_company
from . import res_partner
from . import res_config_settings
