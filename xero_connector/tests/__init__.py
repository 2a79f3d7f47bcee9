from . import test_connection
from . import test_partner_sync
from . import test_access
from . import test_tour
from . import test_token_race
from . import test_mapping
from . import test_mapping_tour
