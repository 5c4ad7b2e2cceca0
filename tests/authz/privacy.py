from __future__ import annotations

from tests.authz import LOGGED_IN, PUBLIC, SITE_ADMIN_ONLY, Case

CASES = [
    Case("groups:my_data", LOGGED_IN),
    Case("groups:my_data_download", LOGGED_IN),
    Case("groups:privacy", PUBLIC),
    Case("groups:data_inventory", SITE_ADMIN_ONLY),
    Case("groups:erase_person", SITE_ADMIN_ONLY),
    # An empty form is redisplayed with errors for the site admin; nobody is erased.
    Case("groups:erase_person", SITE_ADMIN_ONLY, method="post", data=lambda w: {}),
]
