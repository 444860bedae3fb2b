"""A model as a V2 component: its ZIP as the only artifact, no lifecycle, a Lambda reads it at its
DestinationPath through a volume the nucleus fills in."""
import json

import pytest
from v2_shapes import validate

from gg_manager.targets.v2 import model_component as mc
from gg_manager.targets.v2 import names
from gg_manager.targets.v2.versioning import DIGEST_TAG, digest_in_description

SHA = "f" * 64
URI = "s3://gg-artifacts-123456789012-eu-west-1/" + names.model_zip_key("classifier", SHA)


def test_recipe_shape():
    recipe = mc.model_recipe("classifier", URI)
    assert URI.endswith("/gg-models/classifier/%s/classifier.zip" % SHA)
    assert recipe["ComponentName"] == "gg.model.classifier"
    assert recipe["RecipeFormatVersion"] == "2020-01-25"
    manifest, = recipe["Manifests"]
    assert manifest == {"Platform": {"os": "linux"},
                        "Artifacts": [{"URI": URI, "Unarchive": "ZIP",
                                       "Permission": {"Read": "ALL", "Execute": "NONE"}}]}
    assert "Lifecycle" not in manifest and "Lifecycle" not in recipe     # nothing runs, nothing as root


def test_the_lambda_finds_every_version_at_the_same_placeholder():
    """The ZIP is always named <stem>.zip, so the unpacked folder under the version's decompressedPath
    has one name: a model change needs no new Lambda component version."""
    other = "s3://b/" + names.model_zip_key("classifier", "e" * 64)
    assert other.rsplit("/", 1)[1] == URI.rsplit("/", 1)[1] == "classifier.zip"
    assert mc.source_path("classifier") == "{gg.model.classifier:artifacts:decompressedPath}/classifier"


@pytest.mark.parametrize("model_id, component", [("box-model", "gg.model.box_model"),
                                                 ("team:cls", "gg.model.team_cls")])
def test_ids_the_nucleus_cannot_interpolate_are_named_with_underscores(model_id, component):
    import re
    assert names.model_component(model_id) == component
    placeholder = mc.source_path(model_id)
    # the nucleus's cross-component pattern: {NAME:NAMESPACE:KEY} with NAME of word characters and '.'
    assert re.fullmatch(r"\{[.\w]+:[.\w]+:[^:}]+\}/[.\w]+", placeholder), placeholder


def test_digest_is_in_description_and_tag_and_ignores_the_version():
    recipe = mc.model_recipe("classifier", URI)
    digest = mc.recipe_digest(recipe)
    assert digest_in_description(recipe["ComponentDescription"]) == digest
    v1, v2 = mc.with_version(recipe, "1.0.0"), mc.with_version(recipe, "1.0.7")
    assert mc.recipe_digest(v1) == mc.recipe_digest(v2) == digest
    other = mc.model_recipe("classifier", "s3://b/" + names.model_zip_key("classifier", "e" * 64))
    assert mc.recipe_digest(other) != digest


def test_request_fits_botocore():
    recipe = mc.with_version(mc.model_recipe("classifier", URI), "1.0.2")
    request = mc.create_component_version_request(recipe, {"gg:managed-by": "gg"})
    sent = dict(request, inlineRecipe=mc.recipe_bytes(request["inlineRecipe"]))   # as botocore sends a dict
    validate("greengrassv2", "CreateComponentVersion", sent)
    assert json.loads(sent["inlineRecipe"]) == recipe
    assert request["tags"][DIGEST_TAG] == mc.recipe_digest(recipe)


@pytest.mark.parametrize("path", [
    "/", "/proc", "/sys/kernel", "/dev/shm/x", "/ml/../etc/passwd", "/ml/./x", "//ml", "relative/path",
    "/ml/with space", "/ml/$(reboot)", "/ml/'quote", "/ml/`id`", "/ml/{configuration:/x}",
])
def test_unusable_destinations_are_refused(path):
    assert mc.destination_problem(path)


@pytest.mark.parametrize("path", ["/ml/classifier", "/ml/od/", "/opt/models/v1", "/home/ggc_user/m", "/etc/model"])
def test_ordinary_destinations_pass(path):
    assert mc.destination_problem(path) is None


def test_a_model_zip_from_s3_is_taken_only_when_no_entry_leaves_its_folder():
    import io
    import zipfile

    from gg_manager.errors import GGError
    from gg_manager.targets.v2.model_artifacts import checked_zip

    def zipped(*entries):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as archive:
            for name in entries:
                archive.writestr(name, "x")
        return buf.getvalue()
    good = zipped("model-symbol.json", "params/model-0000.params")
    assert checked_zip(good, "s3://b/m.zip") == good
    for bad in ("../etc/cron.d/x", "/etc/passwd", "a/../../b"):
        with pytest.raises(GGError, match="unsafe path"):
            checked_zip(zipped("ok", bad), "s3://b/m.zip")
    with pytest.raises(GGError, match="not a readable ZIP"):
        checked_zip(b"not a zip", "s3://b/m.zip")
