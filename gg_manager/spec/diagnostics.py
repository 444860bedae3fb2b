"""Problems found in a spec, each with a location: `FILE:LINE:COL path.to.key: message`."""
from dataclasses import dataclass
from typing import Optional, Tuple, Union

PathItem = Union[str, int]
Path = Tuple[PathItem, ...]


def format_path(path: Path) -> str:
    """('Lambdas', 0, 'greengrassConfig') -> 'Lambdas[0].greengrassConfig'."""
    out = ""
    for item in path:
        if isinstance(item, int):
            out += "[%d]" % item
        else:
            out += ("." if out else "") + str(item)
    return out or "(top)"


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    col: int
    path: Path
    message: str
    severity: str = "error"  # or "warning"

    def format(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return "%s:%d:%d %s: %s%s" % (
            self.file, self.line, self.col, format_path(self.path), prefix, self.message)

    def as_json(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.col,
                "path": format_path(self.path), "message": self.message,
                "severity": self.severity}


class Reporter:
    """Collects diagnostics, placing each at the best known mark of its path."""

    def __init__(self, file: str, marks: Optional[dict] = None):
        self.file = file
        self.marks = marks or {}
        self.items = []

    def locate(self, path: Path, key: bool = False) -> Tuple[int, int]:
        """Line/column of `path` (its key when `key`), else of its nearest parent."""
        p = tuple(path)
        while True:
            entry = self.marks.get(p)
            if entry is not None:
                return entry[0] if key else entry[1]
            if not p:
                return (1, 1)
            p = p[:-1]

    def where(self, path: Path) -> str:
        """`FILE:LINE:COL path.to.key` of a value, for a problem found after loading (e.g. in AWS)."""
        line, col = self.locate(path)
        return "%s:%d:%d %s" % (self.file, line, col, format_path(path))

    def error(self, path: Path, message: str, key: bool = False) -> None:
        self._add(path, message, "error", key)

    def warning(self, path: Path, message: str, key: bool = False) -> None:
        self._add(path, message, "warning", key)

    def at(self, line: int, col: int, path: Path, message: str) -> None:
        self.items.append(Diagnostic(self.file, line, col, tuple(path), message))

    def in_file(self, file: str, line: int, col: int, path: Path, message: str,
                severity: str = "error") -> None:
        """A problem located in another file the spec names (a Lambda's handler module)."""
        self.items.append(Diagnostic(file, line, col, tuple(path), message, severity))

    def _add(self, path, message, severity, key):
        line, col = self.locate(path, key)
        diag = Diagnostic(self.file, line, col, tuple(path), message, severity)
        if diag not in self.items:
            self.items.append(diag)

    @property
    def errors(self):
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self):
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self):
        return sorted(self.items, key=lambda d: (d.file != self.file, d.file, d.line, d.col,
                                                 d.severity != "error"))
