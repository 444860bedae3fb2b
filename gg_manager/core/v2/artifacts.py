"""A component version's artifacts on disk: downloaded once, digest-checked, ZIPs unpacked where V2 unpacks them.

packages/artifacts/<name>/<version>/<file> holds each artifact (URI greengrass:NAME or
s3://bucket/key, fetched through the device client); with Unarchive: ZIP it is unpacked
(safely, see unzip.py) into packages/artifacts-unarchived/<name>/<version>/<file without its
extension>/. A file already there is kept when its Digest still matches (component versions
are immutable); a digest mismatch fails the deployment and leaves nothing behind.
"""
import base64
import hashlib
import json
import logging
import os
import stat

from .device_client import CloudError
from .errors import DeploymentError
from .unzip import MAX_TOTAL_BYTES, unzip

log = logging.getLogger("gg.core.v2.artifacts")

ALGORITHMS = {"SHA-256": "sha256", "SHA-1": "sha1", "SHA-384": "sha384", "SHA-512": "sha512", "MD5": "md5"}
MAX_ARTIFACT_BYTES = 4 * 1024 ** 3
EXECUTE_BITS = {"NONE": 0, "OWNER": stat.S_IXUSR, "ALL": stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH}


class ArtifactError(DeploymentError):
    pass


def check_uri(recipe, artifact):
    scheme = artifact.uri.split(":", 1)[0].lower() if ":" in artifact.uri else ""
    if scheme not in ("s3", "greengrass"):
        raise ArtifactError("%s: artifact %s: scheme %r is not supported here (s3, greengrass)"
                            % (recipe.id, artifact.uri, scheme), "UNSUPPORTED_ARTIFACT_SCHEME")
    if scheme == "s3" and not artifact.uri.lower().startswith("s3://"):
        raise ArtifactError("%s: artifact %s is not s3://bucket/key" % (recipe.id, artifact.uri),
                            "ARTIFACT_URI_NOT_VALID")
    name = artifact.file_name
    if name in ("", ".", "..") or "\x00" in name or "\\" in name:
        raise ArtifactError("%s: artifact %s has no usable file name" % (recipe.id, artifact.uri),
                            "ARTIFACT_URI_NOT_VALID")
    return name


def file_digest(path, algorithm):
    h = hashlib.new(ALGORITHMS[algorithm.upper()])
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            h.update(chunk)
    return base64.b64encode(h.digest()).decode("ascii")


def _digest_ok(recipe, artifact, path):
    if not artifact.digest:
        return True
    if artifact.algorithm.upper() not in ALGORITHMS:
        raise ArtifactError("%s: artifact %s: digest algorithm %s is not supported" % (
            recipe.id, artifact.uri, artifact.algorithm), "RECIPE_MISSING_ARTIFACT_HASH_ALGORITHM")
    return file_digest(path, artifact.algorithm) == artifact.digest


def _add_execute(path, bits):
    if not bits:
        return
    targets = [path]
    if os.path.isdir(path):
        targets = [os.path.join(d, f) for d, _, files in os.walk(path) for f in files]
    for target in targets:
        os.chmod(target, os.stat(target).st_mode | bits)


class ArtifactStore:
    def __init__(self, layout, client, max_artifact_bytes=MAX_ARTIFACT_BYTES, max_unzip_bytes=MAX_TOTAL_BYTES):
        self.layout = layout
        self.client = client
        self.max_artifact_bytes = max_artifact_bytes
        self.max_unzip_bytes = max_unzip_bytes

    def prepare(self, recipe, candidate):
        """Make every artifact of this PlatformRecipe present (and unpacked); ArtifactError if one can't be."""
        for artifact in recipe.artifacts:
            name = check_uri(recipe, artifact)
            folder = self.layout.artifacts(recipe.name, recipe.version)
            path = os.path.join(folder, name)
            if not (os.path.isfile(path) and _digest_ok(recipe, artifact, path)):
                self._download(recipe, candidate, artifact, path)
            _add_execute(path, EXECUTE_BITS[artifact.execute])
            if artifact.unarchive == "ZIP":
                self._unpack(recipe, artifact, path, name)

    def _download(self, recipe, candidate, artifact, path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = path + ".download"
        try:
            self.client.download(candidate, artifact.uri, tmp, self.max_artifact_bytes)
            if not _digest_ok(recipe, artifact, tmp):
                raise ArtifactError("%s: artifact %s does not match its %s digest %s" % (
                    recipe.id, artifact.uri, artifact.algorithm, artifact.digest), "ARTIFACT_CHECKSUM_MISMATCH")
            os.replace(tmp, path)
        except CloudError as exc:
            raise ArtifactError("%s: cannot download artifact %s: %s" % (recipe.id, artifact.uri, exc),
                                "ARTIFACT_DOWNLOAD_ERROR", *exc.codes) from None
        except OSError as exc:
            raise ArtifactError("%s: cannot store artifact %s: %s" % (recipe.id, artifact.uri, exc),
                                "IO_ERROR") from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        log.info("%s: downloaded %s (%d bytes)", recipe.id, artifact.uri, os.path.getsize(path))

    def _unpack(self, recipe, artifact, path, name):
        stem = name.rsplit(".", 1)[0] if name.find(".") > 0 else name
        dest = os.path.join(self.layout.unarchived(recipe.name, recipe.version), stem)
        stamp_path = self.layout.runtime("unzipped", recipe.name, str(recipe.version), stem + ".json")
        stamp = {"sha256": file_digest(path, "SHA-256")}
        try:
            with open(stamp_path) as fh:
                if json.load(fh) == stamp and os.path.isdir(dest):
                    return
        except (OSError, ValueError):
            pass
        try:
            written = unzip(path, dest, self.max_unzip_bytes)
        except DeploymentError as exc:
            raise ArtifactError("%s: artifact %s: %s" % (recipe.id, artifact.uri, exc), *exc.codes) from None
        _add_execute(dest, EXECUTE_BITS[artifact.execute])
        os.makedirs(os.path.dirname(stamp_path), exist_ok=True)
        with open(stamp_path, "w") as fh:
            json.dump(stamp, fh)
        log.info("%s: unpacked %s into %s (%d bytes)", recipe.id, name, dest, written)
