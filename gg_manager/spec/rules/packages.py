"""What a spec may pack: folders inside its repository, never links leaving them.

A Lambda's `package` and a model's local `Source` are folders inside the spec's
repository (the git work tree holding the spec, or the spec's folder outside git):
an absolute path, `../outside` or a link resolving outside is an error, and so is
a link inside the package that leads out of it (gg would refuse to pack it).
"""
import os

from gg_manager.errors import GGError
from gg_manager.package.contents import MAX_UNZIPPED_BYTES, scan_package
from gg_manager.spec.packaging import never_packed_in_views
from gg_manager.spec.repository import is_inside, repository_root


def outside_repository(value, spec_dir, what):
    """Why the folder `value` (relative to the spec) may not be used, or None."""
    repo = repository_root(spec_dir)
    if os.path.isabs(value):
        return ("%s must be a folder inside the spec's repository (%s), given relative to the "
                "spec; %r is an absolute path" % (what, repo, value))
    if not is_inside(os.path.join(spec_dir, value), repo):
        return ("%s %r is outside the spec's repository (%s); gg packs only folders inside it"
                % (what, value, repo))
    return None


def folder_inside(value, spec_dir, what, reporter, path):
    """The folder `value` names when it is inside the spec's repository; else report why at
    `path` and return None."""
    problem = outside_repository(value, spec_dir, what)
    if problem:
        reporter.error(path, problem)
        return None
    return os.path.join(spec_dir, value)


def check_packages(views, reporter, spec_dir):
    never = never_packed_in_views(views, spec_dir)
    done = set()
    for view in views:
        for item in view.items("Lambdas"):
            package = item.data.get("package")
            if not isinstance(package, str) or item.path in done:
                continue
            done.add(item.path)
            _check_package(item, package, never, reporter, spec_dir)


def _check_package(item, package, never, reporter, spec_dir):
    path = item.path + ("package",)
    folder = folder_inside(package, spec_dir, "a Lambda package", reporter, path)
    if folder is None or not os.path.isdir(folder):
        return  # reported; or the Lambda rules say it does not exist
    try:
        scan = scan_package(folder, never)
    except GGError as exc:
        reporter.error(path, str(exc))
        return
    for link in scan.refused:
        reporter.error(path, "package %r: %s is %s; gg never packs it (copy the file into the "
                       "package or remove the link)" % (package, link.name, link.reason))
    if scan.size > MAX_UNZIPPED_BYTES:
        reporter.error(path, "package %r holds %d bytes; AWS Lambda takes at most %d unzipped"
                       % (package, scan.size, MAX_UNZIPPED_BYTES))
