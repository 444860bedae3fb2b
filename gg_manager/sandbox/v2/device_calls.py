"""What a core device calls on Greengrass V2: ResolveComponentCandidates and GetComponentVersionArtifact.

ResolveComponentCandidates picks, for each candidate, the highest version (the
account's own component, else AWS's public one) that satisfies every
`versionRequirements` entry and whose recipe claims the device's platform
(a manifest whose Platform attributes all match: equal, "*", or /regex/).
The nucleus reads two ResourceNotFoundException messages: one containing
"no usable version" (nothing satisfies the requirements) and one containing
"claim platform" (versions satisfy them, none for this platform); both are
given here as the nucleus expects.
"""
from . import artifacts, components, recipes, semver
from .errors import not_found, validation


def _resolve(ctx, candidate, platform):
    name = candidate.get("componentName")
    if not name:
        raise validation("componentCandidates[].componentName is required.")
    requirements = candidate.get("versionRequirements") or {}
    try:
        parsed = [semver.requirement(r) for r in requirements.values()]
    except semver.VersionError as exc:
        raise validation("versionRequirements of %s: %s" % (name, exc)) from None
    versions = components.versions_by_name(ctx, name)
    usable = [v for v in versions.values() if v.state == "DEPLOYABLE"
              and all(r.allows(semver.Version(v.version)) for r in parsed)]
    if not usable:
        raise not_found("Component %s has no usable version satisfying requirements %s."
                        % (name, dict(requirements)), name, "COMPONENT")
    fitting = [v for v in usable if recipes.claims_platform(v.recipe, platform)]
    if not fitting:
        raise not_found("The latest version of component %s doesn't claim platform %s compatibility."
                        % (name, platform), name, "COMPONENT")
    chosen = max(fitting, key=lambda v: semver.Version(v.version))
    return {"arn": chosen.arn, "componentName": chosen.name, "componentVersion": chosen.version,
            "recipe": recipes.render(chosen.recipe, "JSON"), "vendorGuidance": "ACTIVE"}


def resolve_component_candidates(ctx, params):
    platform = dict((params.get("platform") or {}).get("attributes") or {})
    candidates = params.get("componentCandidates") or []
    if not candidates:
        raise validation("componentCandidates is required.")
    return {"resolvedComponentVersions": [_resolve(ctx, c, platform) for c in candidates]}


def get_component_version_artifact(ctx, params):
    component = components.find_version(ctx, params["arn"])
    bucket, key = artifacts.locate(component, params["artifactName"])
    return {"preSignedUrl": artifacts.presigned_url(ctx.host_url, ctx.region, bucket, key)}


HANDLERS = {
    "ResolveComponentCandidates": resolve_component_candidates,
    "GetComponentVersionArtifact": get_component_version_artifact,
}
