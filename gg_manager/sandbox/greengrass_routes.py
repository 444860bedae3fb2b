"""URL routes for the added Greengrass operations, in moto's urls.py style, and the installer.

moto's route table turns each regex into a Flask rule and strips every `$`,
which is why its `deployments/$reset` route never matched; the two `$` paths
here spell the dollar as `\\x24` inside a named group so it survives.
"""
from moto.greengrass import urls as gg_urls
from moto.greengrass.responses import GreengrassResponse

from . import (
    bulk,
    greengrass_account,
    greengrass_deployments,
    greengrass_errors,
    greengrass_groups,
    greengrass_kinds,
    greengrass_loggers,
    greengrass_subscriptions,
    greengrass_tags,
)

PATHS = list(greengrass_loggers.URL_PATHS) + [
    r"{0}/greengrass/groups/(?P<group_id>[^/]+)/deployments/(?P<reset>\x24reset)$",
    r"{0}/greengrass/bulk/deployments$",
    r"{0}/greengrass/bulk/deployments/(?P<bulk_id>[^/]+)/status$",
    r"{0}/greengrass/bulk/deployments/(?P<bulk_id>[^/]+)/detailed-reports$",
    r"{0}/greengrass/bulk/deployments/(?P<bulk_id>[^/]+)/(?P<stop>\x24stop)$",
    r"{0}/greengrass/things/(?P<thing_name>[^/]+)/connectivityInfo$",
    r"{0}/greengrass/servicerole$",
    r"{0}/tags/(?P<resource_arn>.+)$",
]


def install():
    """Patch moto's Greengrass service in place (idempotent). Call before the first request."""
    greengrass_errors.install()
    greengrass_loggers.install()  # before tags: tags wraps the logger/connector create/get/list
    greengrass_groups.install()
    greengrass_kinds.install()
    greengrass_deployments.install()
    greengrass_subscriptions.install()
    greengrass_account.install()
    greengrass_tags.install()
    bulk.install()
    for path in PATHS:
        gg_urls.url_paths.setdefault(path, GreengrassResponse.dispatch)
