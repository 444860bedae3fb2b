"""Components: CreateComponentVersion, DescribeComponent, GetComponent, ListComponents,
ListComponentVersions, DeleteComponent, and the lookups the other V2 handlers share.

A new version answers `componentState: REQUESTED` as AWS does; DescribeComponent
then shows DEPLOYABLE, or FAILED with a message and `errors` when the sandbox
could not make it deployable (a Lambda it cannot run, see lambda_components.py).
"""
from collections import OrderedDict

from . import arns, artifacts, lambda_components, public_components, recipes, semver, state, tagging
from .common import now, page
from .errors import conflict, not_found, validation
from .state import ComponentVersion


# -- lookups --------------------------------------------------------------------------------
def _versions(ctx, account, name):
    if account == arns.PUBLIC_ACCOUNT:
        return public_components.catalog(ctx.region).get(name, {})
    if account != ctx.account:
        return {}
    return state.of_ctx(ctx).components.get(name, {})


def find_version(ctx, arn):
    """The ComponentVersion a version ARN names, or ResourceNotFoundException."""
    match = arns.COMPONENT_VERSION.match(arn or "")
    if not match:
        raise validation("%s is not a component version ARN." % arn, fields=[{"name": "arn", "message": "invalid"}])
    _, region, account, name, version = match.groups()
    found = _versions(ctx, account, name).get(version) if region == ctx.region else None
    if found is None:
        raise not_found("Component version %s does not exist." % arn, arn, "COMPONENT_VERSION")
    return found


def versions_by_name(ctx, name):
    """{version: ComponentVersion} of a component: the account's own, else AWS's public one."""
    return state.of_ctx(ctx).components.get(name) or public_components.catalog(ctx.region).get(name, {})


def lookup(ctx, name, version):
    return versions_by_name(ctx, name).get(version)


def latest(versions):
    return max(versions.values(), key=lambda v: semver.Version(v.version)) if versions else None


# -- create ---------------------------------------------------------------------------------
def create_component_version(ctx, params):
    st = state.of_ctx(ctx)
    token = params.get("clientToken")
    if token and ("CreateComponentVersion", token) in st.client_tokens:
        return st.client_tokens[("CreateComponentVersion", token)]
    inline, lambda_source = params.get("inlineRecipe"), params.get("lambdaFunction")
    if (inline is None) == (lambda_source is None):
        raise validation("You must specify either inlineRecipe or lambdaFunction.",
                         fields=[{"name": "inlineRecipe", "message": "exactly one of inlineRecipe, lambdaFunction"}])
    tags = tagging.validate(params.get("tags"))
    made = _from_inline(ctx, inline) if inline is not None else lambda_components.build(ctx, lambda_source)
    name, version = recipes.key(made.recipe, "ComponentName"), recipes.key(made.recipe, "ComponentVersion")
    if version in st.components.get(name, {}):
        raise conflict("Component [%s : %s] for account [%s] already exists and can't be created again."
                       % (name, version, ctx.account), arns.component_version(ctx.region, ctx.account, name, version),
                       "COMPONENT_VERSION")
    for filename, data in made.files.items():
        artifacts.store(ctx.account, ctx.region, name, version, filename, data)
    component = ComponentVersion(name, version, arns.component_version(ctx.region, ctx.account, name, version),
                                 made.recipe, now(), state=made.state, message=made.message, errors=made.errors)
    st.components.setdefault(name, OrderedDict())[version] = component
    if tags:
        st.tags[component.arn] = dict(tags)
    answer = {"arn": component.arn, "componentName": name, "componentVersion": version,
              "creationTimestamp": component.created,
              "status": {"componentState": "REQUESTED", "message": "NONE", "errors": {}}}
    if token:
        st.client_tokens[("CreateComponentVersion", token)] = answer
    return answer


def _from_inline(ctx, blob):
    recipe = recipes.parse(blob)
    recipes.validate(recipe)
    artifacts.check_s3_artifacts(ctx.account, recipe)
    return lambda_components.Made(recipe)


# -- read -------------------------------------------------------------------------------------
def _status(component):
    return {"componentState": component.state, "message": component.message, "errors": dict(component.errors)}


def describe_component(ctx, params):
    component = find_version(ctx, params["arn"])
    res = {"arn": component.arn, "componentName": component.name, "componentVersion": component.version,
           "creationTimestamp": component.created, "status": _status(component),
           "publisher": recipes.key(component.recipe, "ComponentPublisher"),
           "description": recipes.key(component.recipe, "ComponentDescription"),
           "platforms": recipes.platforms(component.recipe)}
    tags = state.of_ctx(ctx).tags.get(component.arn)
    if tags:
        res["tags"] = dict(tags)
    return res


def get_component(ctx, params):
    component = find_version(ctx, params["arn"])
    output = params.get("recipeOutputFormat") or "JSON"
    if output not in ("JSON", "YAML"):
        raise validation("recipeOutputFormat must be JSON or YAML.")
    res = {"recipeOutputFormat": output, "recipe": recipes.render(component.recipe, output)}
    tags = state.of_ctx(ctx).tags.get(component.arn)
    if tags:
        res["tags"] = dict(tags)
    return res


def _summary(component):
    item = {"arn": component.arn, "componentVersion": component.version, "creationTimestamp": component.created,
            "description": recipes.key(component.recipe, "ComponentDescription"),
            "publisher": recipes.key(component.recipe, "ComponentPublisher"),
            "platforms": recipes.platforms(component.recipe)}
    return {k: v for k, v in item.items() if v not in (None, "")}


def list_components(ctx, params):
    scope = params.get("scope") or "PRIVATE"
    if scope not in ("PRIVATE", "PUBLIC"):
        raise validation("scope must be PRIVATE or PUBLIC.")
    source = public_components.catalog(ctx.region) if scope == "PUBLIC" else state.of_ctx(ctx).components
    newest = ((name, latest(source[name])) for name in sorted(source))
    items = [(name, version) for name, version in newest if version is not None]
    found, token = page(items, params, render=lambda item: {
        "arn": item[1].component_arn, "componentName": item[0], "latestVersion": _summary(item[1])})
    return {"components": found, "nextToken": token}


def list_component_versions(ctx, params):
    arn = params["arn"]
    match = arns.COMPONENT.match(arn or "")
    if not match:
        raise validation("%s is not a component ARN." % arn, fields=[{"name": "arn", "message": "invalid"}])
    _, region, account, name = match.groups()
    versions = _versions(ctx, account, name) if region == ctx.region else {}
    if not versions:
        raise not_found("Component %s does not exist." % arn, arn, "COMPONENT")
    ordered = sorted(versions.values(), key=lambda v: semver.Version(v.version), reverse=True)
    items = [{"componentName": v.name, "componentVersion": v.version, "arn": v.arn} for v in ordered]
    found, token = page(items, params)
    return {"componentVersions": found, "nextToken": token}


def delete_component(ctx, params):
    component = find_version(ctx, params["arn"])
    if component.public:
        raise validation("You can't delete the public component %s." % component.arn)
    st = state.of_ctx(ctx)
    versions = st.components[component.name]
    del versions[component.version]
    if not versions:
        del st.components[component.name]
    st.tags.pop(component.arn, None)
    return {}


HANDLERS = {
    "CreateComponentVersion": create_component_version,
    "DescribeComponent": describe_component,
    "GetComponent": get_component,
    "ListComponents": list_components,
    "ListComponentVersions": list_component_versions,
    "DeleteComponent": delete_component,
}
