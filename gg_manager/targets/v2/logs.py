"""V1 Loggers on Greengrass V2: the nucleus `logging` settings and aws.greengrass.LogManager.

V1 has one logger per (Component, Type): Component GreengrassSystem or Lambda,
Type FileSystem (Space in KB) or AWSCloudWatch, each with a Level. V2 has one
local logging setting for the whole device and a log manager that uploads:

- FileSystem loggers -> nucleus `logging`: `level` is the most verbose of them
  (V2 cannot give system and Lambda logs different local levels);
  `totalLogsSizeKB` (V2's per-component cap, nucleus logs included) is the
  largest Space;
- AWSCloudWatch GreengrassSystem -> LogManager `systemLogsConfiguration`
  (uploadToCloudWatch, minimumLogLevel); AWSCloudWatch Lambda -> one
  `componentLogsConfigurationMap` entry per Lambda component. LogManager
  filters by level only in JSON logs, so with a CloudWatch logger the nucleus
  writes JSON (`format: JSON`); the local files stay, in JSON.

V1's FATAL is V2's ERROR (V2 has no FATAL).
"""
from typing import Iterable, Mapping, Optional

LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")
UPLOAD_INTERVAL_S = 300   # LogManager's documented default


def v2_level(level: str) -> str:
    return "ERROR" if level == "FATAL" else level


def nucleus_logging(loggers: Iterable[Mapping]) -> dict:
    """The nucleus component's `logging` configuration for a group's Loggers ({} for defaults)."""
    loggers = list(loggers)
    files = [lg for lg in loggers if lg.get("Type") == "FileSystem"]
    out = {}
    if files:
        out["level"] = min((v2_level(lg["Level"]) for lg in files), key=LEVELS.index)
        spaces = [int(lg["Space"]) for lg in files if lg.get("Space") is not None]
        if spaces:
            out["totalLogsSizeKB"] = max(spaces)
    if any(lg.get("Type") == "AWSCloudWatch" for lg in loggers):
        out["format"] = "JSON"
    return out


def log_manager_configuration(loggers: Iterable[Mapping],
                              lambda_components: Iterable[str]) -> Optional[dict]:
    """aws.greengrass.LogManager configuration, or None when no logger uploads to CloudWatch."""
    cloud = {lg["Component"]: v2_level(lg["Level"]) for lg in loggers
             if lg.get("Type") == "AWSCloudWatch"}
    if not cloud:
        return None
    uploader = {}
    if "GreengrassSystem" in cloud:
        uploader["systemLogsConfiguration"] = {"uploadToCloudWatch": "true",
                                               "minimumLogLevel": cloud["GreengrassSystem"]}
    if "Lambda" in cloud:
        uploader["componentLogsConfigurationMap"] = {
            name: {"minimumLogLevel": cloud["Lambda"]} for name in sorted(set(lambda_components))}
    return {"logsUploaderConfiguration": uploader,
            "periodicUploadIntervalSec": str(UPLOAD_INTERVAL_S)}
