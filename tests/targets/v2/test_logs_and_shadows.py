"""Loggers become nucleus logging and log manager settings; SyncShadow becomes shadow manager's."""
from gg_manager.targets.v2.logs import log_manager_configuration, nucleus_logging
from gg_manager.targets.v2.shadows import shadow_manager_configuration

EXAMPLE = [  # greengrass.yaml's loggers
    {"Component": "GreengrassSystem", "Id": "system-logs", "Level": "INFO", "Space": 5120,
     "Type": "FileSystem"},
    {"Component": "Lambda", "Id": "lambda-logs", "Level": "INFO", "Space": 10240,
     "Type": "FileSystem"},
]


def test_file_system_loggers_become_nucleus_logging():
    assert nucleus_logging(EXAMPLE) == {"level": "INFO", "totalLogsSizeKB": 10240}
    assert log_manager_configuration(EXAMPLE, ["a"]) is None


def test_the_most_verbose_level_wins_and_fatal_is_error():
    loggers = [{"Component": "GreengrassSystem", "Level": "FATAL", "Type": "FileSystem"},
               {"Component": "Lambda", "Level": "WARN", "Type": "FileSystem", "Space": 100}]
    assert nucleus_logging(loggers) == {"level": "WARN", "totalLogsSizeKB": 100}
    assert nucleus_logging(loggers[:1]) == {"level": "ERROR"}
    assert nucleus_logging([]) == {}


def test_cloudwatch_loggers_become_log_manager_and_json_logs():
    loggers = [{"Component": "GreengrassSystem", "Level": "WARN", "Type": "AWSCloudWatch"},
               {"Component": "Lambda", "Level": "DEBUG", "Type": "AWSCloudWatch"}]
    assert nucleus_logging(loggers) == {"format": "JSON"}
    assert log_manager_configuration(loggers, ["edge-inference", "edge-camera"]) == {
        "logsUploaderConfiguration": {
            "systemLogsConfiguration": {"uploadToCloudWatch": "true", "minimumLogLevel": "WARN"},
            "componentLogsConfigurationMap": {"edge-camera": {"minimumLogLevel": "DEBUG"},
                                              "edge-inference": {"minimumLogLevel": "DEBUG"}},
        },
        "periodicUploadIntervalSec": "300",
    }


def test_only_lambda_logs_to_cloudwatch():
    config = log_manager_configuration(
        [{"Component": "Lambda", "Level": "WARN", "Type": "AWSCloudWatch"}], ["x"])
    assert list(config["logsUploaderConfiguration"]) == ["componentLogsConfigurationMap"]


def test_sync_shadow():
    assert shadow_manager_configuration(False) is None
    assert shadow_manager_configuration(True) == {"synchronize": {
        "direction": "betweenDeviceAndCloud", "shadowDocuments": [],
        "coreThing": {"classic": True, "namedShadows": []}}}
    both = shadow_manager_configuration(True, ["sensor-b", "sensor-a"])
    assert [d["thingName"] for d in both["synchronize"]["shadowDocuments"]] == ["sensor-a", "sensor-b"]
    local_only = shadow_manager_configuration(False, (), ["lamp"])
    assert "coreThing" not in local_only["synchronize"]
    assert local_only["synchronize"]["shadowDocuments"] == []
