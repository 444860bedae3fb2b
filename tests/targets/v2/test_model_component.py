"""A model as a V2 component: ZIP artifact, a link at DestinationPath, safe paths only."""
import json
import os
import subprocess

import pytest
from v2_shapes import validate

from gg_manager.errors import GGError
from gg_manager.targets.v2 import model_component as mc
from gg_manager.targets.v2.versioning import DIGEST_TAG, digest_in_description

SHA = "f" * 64
URI = "s3://gg-artifacts-123456789012-eu-west-1/gg-models/classifier/%s.zip" % SHA


def test_recipe_shape():
    recipe = mc.model_recipe("classifier", "/ml/classifier/", URI, SHA)
    assert recipe["ComponentName"] == "gg.model.classifier"
    assert recipe["RecipeFormatVersion"] == "2020-01-25"
    manifest, = recipe["Manifests"]
    assert manifest["Platform"] == {"os": "linux"}
    assert manifest["Artifacts"] == [{"URI": URI, "Unarchive": "ZIP",
                                      "Permission": {"Read": "ALL", "Execute": "NONE"}}]
    install = manifest["Lifecycle"]["Install"]
    assert install["RequiresPrivilege"] is True
    assert "{artifacts:decompressedPath}/%s" % SHA in install["Script"]
    assert "dest='/ml/classifier'" in install["Script"]


def test_digest_is_in_description_and_tag_and_ignores_the_version():
    recipe = mc.model_recipe("classifier", "/ml/classifier", URI, SHA)
    digest = mc.recipe_digest(recipe)
    assert digest_in_description(recipe["ComponentDescription"]) == digest
    v1, v2 = mc.with_version(recipe, "1.0.0"), mc.with_version(recipe, "1.0.7")
    assert mc.recipe_digest(v1) == mc.recipe_digest(v2) == digest
    other = mc.model_recipe("classifier", "/ml/classifier", URI.replace(SHA, "e" * 64), "e" * 64)
    assert mc.recipe_digest(other) != digest
    moved = mc.model_recipe("classifier", "/ml/other", URI, SHA)
    assert mc.recipe_digest(moved) != digest


def test_request_fits_botocore():
    recipe = mc.with_version(mc.model_recipe("classifier", "/ml/classifier", URI, SHA), "1.0.2")
    request = mc.create_component_version_request(recipe, {"gg:managed-by": "gg"})
    validate("greengrassv2", "CreateComponentVersion", request)
    assert json.loads(request["inlineRecipe"]) == recipe
    assert request["tags"][DIGEST_TAG] == mc.recipe_digest(recipe)


def test_artifact_must_be_named_after_its_digest():
    with pytest.raises(GGError, match="not named after its digest"):
        mc.model_recipe("classifier", "/ml/c", URI, "e" * 64)
    with pytest.raises(GGError, match="s3:// URI of a .zip"):
        mc.model_recipe("classifier", "/ml/c", URI.replace(".zip", ".tar.gz"), SHA)


@pytest.mark.parametrize("path", [
    "/", "/etc", "/etc/cron.d", "/usr/lib/x", "/greengrass/v2/config", "/root/.ssh",
    "/ml/../etc/passwd", "/ml/./x", "//ml", "relative/path", "/ml/with space",
    "/ml/$(reboot)", "/ml/'quote", "/ml/`id`", "/ml/{configuration:/x}",
])
def test_dangerous_destinations_are_refused(path):
    assert mc.destination_problem(path)
    with pytest.raises(GGError):
        mc.model_recipe("m", path, URI, SHA)


@pytest.mark.parametrize("path", ["/ml/classifier", "/ml/od/", "/opt/models/v1", "/home/ggc_user/m"])
def test_ordinary_destinations_pass(path):
    assert mc.destination_problem(path) is None


def _install(tmp_path, dest):
    """Run the Install script as the nucleus would, with its recipe variable filled in."""
    decompressed = tmp_path / "artifacts-unarchived" / "gg.model.m" / "1.0.0"
    (decompressed / SHA).mkdir(parents=True, exist_ok=True)
    (decompressed / SHA / "model.params").write_text("weights")
    script = mc.INSTALL_SCRIPT.format(stem=SHA, dest=dest).replace(
        "{artifacts:decompressedPath}", str(decompressed))
    return subprocess.run(["sh", "-c", script], capture_output=True, text=True)


def test_install_links_the_unpacked_model_and_reruns_cleanly(tmp_path):
    dest = tmp_path / "ml" / "classifier"
    assert _install(tmp_path, dest).returncode == 0
    assert os.path.islink(dest)
    assert (dest / "model.params").read_text() == "weights"
    assert _install(tmp_path, dest).returncode == 0          # every nucleus start runs it again
    assert (dest / "model.params").read_text() == "weights"


def test_install_repoints_the_link_to_a_new_version(tmp_path):
    dest = tmp_path / "ml" / "classifier"
    old = tmp_path / "old"
    old.mkdir()
    dest.parent.mkdir(parents=True)
    os.symlink(old, dest)
    assert _install(tmp_path, dest).returncode == 0
    assert (dest / "model.params").read_text() == "weights"


def test_install_never_replaces_a_real_folder(tmp_path):
    dest = tmp_path / "ml" / "classifier"
    dest.mkdir(parents=True)
    (dest / "precious").write_text("keep me")
    result = _install(tmp_path, dest)
    assert result.returncode != 0 and "not a link gg made" in result.stderr
    assert (dest / "precious").read_text() == "keep me" and not os.path.islink(dest)
