"""URL routes for the added Greengrass operations, in moto's urls.py style, and the installer.

moto's route table turns each regex into a Flask rule and strips every `$`,
which is why its `deployments/$reset` route never matched; the two `$` paths
here spell the dollar as `\\x24` inside a named group so it survives.
"""
from moto.greengrass import urls as gg_urls
from moto.greengrass.responses import GreengrassResponse

from . import account, bulk, deployments, errors, groups, kinds, loggers, subscriptions, tags

PATHS = list(loggers.URL_PATHS) + [
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
    errors.install()
    loggers.install()  # before tags: tags wraps the logger/connector create/get/list
    groups.install()
    kinds.install()
    deployments.install()
    subscriptions.install()
    account.install()
    tags.install()
    bulk.install()
    for path in PATHS:
        gg_urls.url_paths.setdefault(path, GreengrassResponse.dispatch)
