"""Logger and connector definitions (and their versions), which moto lacks.

Added to moto's GreengrassBackend/GreengrassResponse under the names the
botocore model uses (create_logger_definition, ..., get_connector_definition_version),
with the same shapes and not-found errors as moto's other definition kinds.
"""
import json
import re

from moto.core.common_models import BaseModel
from moto.core.utils import utcnow
from moto.greengrass.exceptions import (
    IdNotFoundException,
    InvalidContainerDefinitionException,
    VersionNotFoundException,
)
from moto.greengrass.models import GreengrassBackend
from moto.greengrass.responses import GreengrassResponse
from moto.moto_api._internal import mock_random
from moto.utilities.utils import get_partition

from .common import created, iso, paginate, store, uri_param, with_token
from .errors import BadRequestException

# kind in URLs -> (content key, noun used in messages)
KINDS = {"loggers": ("Loggers", "logger"), "connectors": ("Connectors", "connector")}

LOGGER_COMPONENTS = ("GreengrassSystem", "Lambda")
LOGGER_LEVELS = ("DEBUG", "INFO", "WARN", "ERROR", "FATAL")
LOGGER_TYPES = ("FileSystem", "AWSCloudWatch")
CONNECTOR_ARN = re.compile(r"^arn:aws[a-z-]*:greengrass:[a-z0-9-]+::/connectors/([A-Za-z0-9_.-]+)/versions/[0-9]+$")
ENTRY_ID = re.compile(r"^[a-zA-Z0-9:_-]{1,128}$")


class FakeExtraDefinition(BaseModel):
    def __init__(self, account_id, region_name, kind, name):
        self.kind = kind
        self.id = str(mock_random.uuid4())
        self.arn = "arn:%s:greengrass:%s:%s:greengrass/definition/%s/%s" % (
            get_partition(region_name), region_name, account_id, kind, self.id)
        self.name = name
        self.created_at_datetime = self.update_at_datetime = utcnow()
        self.latest_version = ""
        self.latest_version_arn = ""

    def to_dict(self):
        res = {
            "Arn": self.arn,
            "CreationTimestamp": iso(self.created_at_datetime),
            "Id": self.id,
            "LastUpdatedTimestamp": iso(self.update_at_datetime),
            "LatestVersion": self.latest_version,
            "LatestVersionArn": self.latest_version_arn,
        }
        if self.name is not None:
            res["Name"] = self.name
        return res


class FakeExtraDefinitionVersion(BaseModel):
    def __init__(self, definition, entries):
        self.definition_id = definition.id
        self.content_key = KINDS[definition.kind][0]
        self.entries = entries
        self.version = str(mock_random.uuid4())
        self.arn = "%s/versions/%s" % (definition.arn, self.version)
        self.created_at_datetime = utcnow()

    def to_dict(self, include_detail=False):
        res = {"Arn": self.arn, "CreationTimestamp": iso(self.created_at_datetime),
               "Id": self.definition_id, "Version": self.version}
        if include_detail:
            res["Definition"] = {self.content_key: self.entries}
        return res


def validate_entries(kind, entries):
    """The checks Greengrass makes on a loggers/connectors definition version."""
    if entries is None:
        entries = []
    if not isinstance(entries, list):
        raise BadRequestException("The %s definition is invalid." % kind)
    errors, ids, connector_names = [], set(), set()
    for i, entry in enumerate(entries):
        entry_id = entry.get("Id")
        if not entry_id or not ENTRY_ID.match(str(entry_id)):
            errors.append("%s[%d].Id must match [a-zA-Z0-9:_-]+" % (KINDS[kind][0], i))
        elif entry_id in ids:
            errors.append("Duplicate Id %s" % entry_id)
        ids.add(entry_id)
        if kind == "loggers":
            errors.extend(_logger_errors(i, entry))
        else:
            match = CONNECTOR_ARN.match(str(entry.get("ConnectorArn", "")))
            if not match:
                errors.append("Connectors[%d].ConnectorArn is not a connector version ARN: %r" % (i, entry.get("ConnectorArn")))
            elif match.group(1) in connector_names:
                errors.append("Only one version of connector %s is allowed" % match.group(1))
            else:
                connector_names.add(match.group(1))
            params = entry.get("Parameters") or {}
            if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
                errors.append("Connectors[%d].Parameters values must be strings" % i)
    if errors:
        raise BadRequestException(
            "The %s definition is invalid or corrupted. (ErrorDetails: [%s])" % (KINDS[kind][1], ", ".join(errors)),
            error_details=[{"DetailedErrorCode": "GG-201", "DetailedErrorMessage": e} for e in errors],
        )
    return entries


def _logger_errors(i, entry):
    checks = (("Component", LOGGER_COMPONENTS), ("Level", LOGGER_LEVELS), ("Type", LOGGER_TYPES))
    errors = ["Loggers[%d].%s must be one of %s" % (i, key, "|".join(allowed))
              for key, allowed in checks if entry.get(key) not in allowed]
    space = entry.get("Space")
    if space is not None and (not isinstance(space, int) or space < 0):
        errors.append("Loggers[%d].Space must be a non-negative integer (KB)" % i)
    return errors


# -- backend methods (generic over kind) ----------------------------------------
def _defs(backend, kind):
    return store(backend, kind + "_definitions")


def _vers(backend, kind):
    return store(backend, kind + "_definition_versions")


def create_definition(backend, kind, name, initial_version):
    entries = (initial_version or {}).get(KINDS[kind][0])
    if initial_version is not None:
        validate_entries(kind, entries)
    definition = FakeExtraDefinition(backend.account_id, backend.region_name, kind, name)
    _defs(backend, kind)[definition.id] = definition
    _vers(backend, kind)[definition.id] = {}
    if initial_version is not None:
        create_version(backend, kind, definition.id, entries)
    return definition


def get_definition(backend, kind, definition_id):
    try:
        return _defs(backend, kind)[definition_id]
    except KeyError:
        raise IdNotFoundException("That %s definition does not exist." % KINDS[kind][1]) from None


def delete_definition(backend, kind, definition_id):
    get_definition(backend, kind, definition_id)
    del _defs(backend, kind)[definition_id]
    del _vers(backend, kind)[definition_id]


def update_definition(backend, kind, definition_id, name):
    if not name:
        raise InvalidContainerDefinitionException("Input does not contain any attributes to be updated")
    definition = get_definition(backend, kind, definition_id)
    definition.name = name
    definition.update_at_datetime = utcnow()


def create_version(backend, kind, definition_id, entries):
    definition = get_definition(backend, kind, definition_id)
    version = FakeExtraDefinitionVersion(definition, validate_entries(kind, entries))
    _vers(backend, kind)[definition_id][version.version] = version
    definition.latest_version, definition.latest_version_arn = version.version, version.arn
    definition.update_at_datetime = utcnow()
    return version


def get_version(backend, kind, definition_id, version_id):
    get_definition(backend, kind, definition_id)
    try:
        return _vers(backend, kind)[definition_id][version_id]
    except KeyError:
        raise VersionNotFoundException("Version %s of %s List Definition %s does not exist." % (
            version_id, KINDS[kind][1].capitalize(), definition_id)) from None


def version_arn_exists(backend, kind, arn):
    """True when `arn` names an existing version of a `kind` definition (for group versions)."""
    parts = arn.split("/")
    if len(parts) < 4 or parts[-2] != "versions":
        return False
    version = _vers(backend, kind).get(parts[-3], {}).get(parts[-1])
    return version is not None and version.arn == arn


# -- response methods -------------------------------------------------------------
def _make_responses(kind):
    content_key, noun = KINDS[kind]
    id_name, ver_name = "%sDefinitionId" % noun.capitalize(), "%sDefinitionVersionId" % noun.capitalize()

    def create_def(self):
        definition = create_definition(self.greengrass_backend, kind, self._get_param("Name"),
                                       self._get_param("InitialVersion"))
        return created(definition.to_dict())

    def list_defs(self):
        page, token = paginate(self, _defs(self.greengrass_backend, kind).values())
        return json.dumps(with_token({"Definitions": [d.to_dict() for d in page]}, token))

    def get_def(self):
        return json.dumps(get_definition(self.greengrass_backend, kind, uri_param(self, id_name, -1)).to_dict())

    def delete_def(self):
        delete_definition(self.greengrass_backend, kind, uri_param(self, id_name, -1))
        return "{}"

    def update_def(self):
        update_definition(self.greengrass_backend, kind, uri_param(self, id_name, -1), self._get_param("Name"))
        return "{}"

    def create_ver(self):
        version = create_version(self.greengrass_backend, kind, uri_param(self, id_name, -2),
                                 self._get_param(content_key))
        return created(version.to_dict())

    def list_vers(self):
        definition = get_definition(self.greengrass_backend, kind, uri_param(self, id_name, -2))
        page, token = paginate(self, _vers(self.greengrass_backend, kind)[definition.id].values())
        return json.dumps(with_token({"Versions": [v.to_dict() for v in page]}, token))

    def get_ver(self):
        version = get_version(self.greengrass_backend, kind, uri_param(self, id_name, -3), uri_param(self, ver_name, -1))
        return json.dumps(version.to_dict(include_detail=True))

    return {
        "create_%s_definition": create_def, "list_%s_definitions": list_defs,
        "get_%s_definition": get_def, "delete_%s_definition": delete_def,
        "update_%s_definition": update_def, "create_%s_definition_version": create_ver,
        "list_%s_definition_versions": list_vers, "get_%s_definition_version": get_ver,
    }


URL_PATHS = {}
for _kind in KINDS:
    URL_PATHS.update({
        "{0}/greengrass/definition/%s$" % _kind: None,
        "{0}/greengrass/definition/%s/(?P<definition_id>[^/]+)/?$" % _kind: None,
        "{0}/greengrass/definition/%s/(?P<definition_id>[^/]+)/versions$" % _kind: None,
        "{0}/greengrass/definition/%s/(?P<definition_id>[^/]+)/versions/(?P<definition_version_id>[^/]+)/?$" % _kind: None,
    })


def install():
    for kind, (_, noun) in KINDS.items():
        for pattern, func in _make_responses(kind).items():
            setattr(GreengrassResponse, pattern % noun, func)
    GreengrassBackend.gg_extra_definition_version_exists = version_arn_exists
