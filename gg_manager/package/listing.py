"""What the zip of one Lambda holds, offline: `gg validate --show-package NAME`.

The zip is built exactly as gg builds it for upload (same exclusions, same bytes), then
listed: each entry with its size and a short SHA-256, plus what was left out and why.
Vendored requirements are included when their wheels are already in the local cache;
otherwise they are named as not fetched yet (validate never goes to the network).
"""
import hashlib
import io
import os
import zipfile

from gg_manager.package.contents import scan_package
from gg_manager.package.lambda_zip import build_lambda_zip, lambda_code_sha256, wheels_cached

SHORT_SHA = 12


def describe_package(function, exclude_dirs=()) -> dict:
    """A JSON-shaped description of the zip gg would upload for `function` (a spec Function)."""
    scan = scan_package(function.package, exclude_dirs)
    python_version = function.runtime.replace("python", "")
    requirements = list(function.requirements)
    fetched = not requirements or wheels_cached(requirements, python_version)
    report = {"lambda": function.name, "package": function.package, "runtime": function.runtime,
              "requirements": requirements, "requirements_fetched": fetched,
              "left_out": [{"path": e.name, "reason": e.reason} for e in scan.left_out],
              "refused": [{"path": e.name, "reason": e.reason} for e in scan.refused],
              "files": [], "code_sha256": None}
    if scan.refused:
        return report
    data = build_lambda_zip(function.package, requirements if fetched and requirements else (),
                            python_version=python_version, exclude_dirs=exclude_dirs)
    report["code_sha256"] = lambda_code_sha256(data)
    report["zip_bytes"] = len(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            content = zf.read(info)
            report["files"].append({"path": info.filename, "size": info.file_size,
                                    "sha256": hashlib.sha256(content).hexdigest()[:SHORT_SHA]})
    return report


def format_description(report) -> str:
    """The text form of describe_package()."""
    package = os.path.relpath(report["package"])
    if package.startswith(".."):
        package = report["package"]
    lines = ["Lambda %s: package %s (runtime %s)" % (report["lambda"], package, report["runtime"])]
    if report["refused"]:
        lines.append("refused: the zip cannot be built while these links lead outside the package:")
        lines += ["  %s  %s" % (e["path"], e["reason"]) for e in report["refused"]]
    else:
        files = report["files"]
        lines.append("zip: %d file%s, %d bytes unpacked, %d bytes zipped, CodeSha256 %s" % (
            len(files), "" if len(files) == 1 else "s", sum(f["size"] for f in files),
            report["zip_bytes"], report["code_sha256"]))
        width = max([len(f["path"]) for f in files] + [4])
        lines.append("  %-*s %10s  %s" % (width, "PATH", "SIZE", "SHA256"))
        lines += ["  %-*s %10d  %s" % (width, f["path"], f["size"], f["sha256"]) for f in files]
    if report["requirements"] and not report["requirements_fetched"]:
        lines.append("not listed: the wheels of %s (not fetched yet; `gg plan` fetches them)"
                     % ", ".join(report["requirements"]))
    if report["left_out"]:
        lines.append("left out:")
        width = max(len(e["path"]) for e in report["left_out"])
        lines += ["  %-*s  %s" % (width, e["path"], e["reason"]) for e in report["left_out"]]
    return "\n".join(lines)
