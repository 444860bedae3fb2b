"""Fixtures for the local core: groups built with plain boto3 on the sandbox, a `gg core run`
process per test, and an MQTT client on the sandbox's broker.

    def test_x(group_builder, core, mqtt):
        fn = group_builder.function("echo", handler="echo.function_handler", env={...})
        dep = group_builder.deploy([fn], [("cloud", "t/in", fn), (fn, "t/out", "cloud")])
        core.start(group_builder)
        assert group_builder.wait_status(dep) == "Success"
"""
import hashlib
import io
import json
import os
import threading
import time
import uuid
import zipfile

import pytest

from gg_manager.core import launcher

from gg_manager.provision.core_config import core_config, write_config

HERE = os.path.dirname(os.path.abspath(__file__))
FUNCTIONS = os.path.join(HERE, "functions")
ROOT = os.path.dirname(os.path.dirname(HERE))


def zip_folder(path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for dirpath, _, files in os.walk(path):
            for name in sorted(files):
                if name.endswith(".pyc"):
                    continue
                full = os.path.join(dirpath, name)
                archive.write(full, os.path.relpath(full, path))
    return buf.getvalue()


class GroupBuilder:
    """One core thing and its group, built through the APIs the way a deployer would."""

    def __init__(self, sandbox, tmp_path):
        self.sb = sandbox
        self.region = sandbox.region
        self.uid = uuid.uuid4().hex[:8]
        self.tmp = tmp_path
        self.gg = sandbox.boto3_client("greengrass")
        self.lam = sandbox.boto3_client("lambda")
        self.s3 = sandbox.boto3_client("s3")
        iot = sandbox.boto3_client("iot")
        self.thing_name = "core-%s" % self.uid
        self.thing_arn = iot.create_thing(thingName=self.thing_name)["thingArn"]
        self.group_id = None
        self.role = self._role()
        # where AWS keeps Lambda code; the sandbox's S3 serves the URL get_function returns
        self.code_bucket = "awslambda-%s-tasks" % self.region
        self._bucket(self.code_bucket)
        self.config_path = str(tmp_path / "config" / "config.json")
        write_config(self.config_path, core_config(self.thing_arn, "127.0.0.1", self.region, "core.cert.pem",
                                                   "core.private.key"))

    def _role(self):
        iam = self.sb.boto3_client("iam")
        name = "gg-core-test-lambda"
        try:
            return iam.get_role(RoleName=name)["Role"]["Arn"]
        except iam.exceptions.NoSuchEntityException:
            return iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Principal": {"Service": "lambda.amazonaws.com"}}]}))["Role"]["Arn"]

    def _bucket(self, name):
        try:
            self.s3.create_bucket(Bucket=name)
        except (self.s3.exceptions.BucketAlreadyOwnedByYou, self.s3.exceptions.BucketAlreadyExists):
            pass

    def function(self, folder, handler, alias="live", pinned=True, env=None, resources=(), name=None, timeout=10):
        """A Lambda from tests/core/functions/<folder> (or an absolute folder) with an alias;
        returns its function definition entry."""
        name = name or "%s-%s" % (os.path.basename(folder), self.uid)
        data = zip_folder(os.path.join(FUNCTIONS, folder))
        key = "%s-%s.zip" % (name, hashlib.sha256(data).hexdigest()[:16])
        self.s3.put_object(Bucket=self.code_bucket, Key=key, Body=data)
        try:
            self.lam.get_function(FunctionName=name)
            self.lam.update_function_code(FunctionName=name, S3Bucket=self.code_bucket, S3Key=key)
        except self.lam.exceptions.ResourceNotFoundException:
            self.lam.create_function(FunctionName=name, Runtime="python3.8", Role=self.role, Handler=handler,
                                     Code={"S3Bucket": self.code_bucket, "S3Key": key}, Timeout=timeout)
        version = self.lam.publish_version(FunctionName=name)["Version"]
        try:
            arn = self.lam.create_alias(FunctionName=name, Name=alias, FunctionVersion=version)["AliasArn"]
        except self.lam.exceptions.ClientError as exc:  # moto says ConflictException, AWS ResourceConflict
            if "exists" not in str(exc):
                raise
            arn = self.lam.update_alias(FunctionName=name, Name=alias, FunctionVersion=version)["AliasArn"]
        config = {"Pinned": pinned, "MemorySize": 131072, "Timeout": timeout,
                  "Environment": {"Variables": dict(env or {}),
                                  "ResourceAccessPolicies": [{"ResourceId": r, "Permission": "rw"}
                                                             for r in resources]}}
        return {"Id": name, "FunctionArn": arn, "FunctionConfiguration": config}

    def model(self, name, files=None, folder=None, key=None):
        """An S3 tarball of {path: bytes} (or of a folder); returns its s3:// URI."""
        from gg_manager.package.model_tarball import model_digest, pack_model_dir

        if folder is None:
            folder = self.tmp / ("model-" + name)
            for rel, body in files.items():
                (folder / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / rel).write_bytes(body)
        data = pack_model_dir(folder)
        bucket = "gg-core-test-models"
        self._bucket(bucket)
        key = key or "%s/%s.tar.gz" % (name, model_digest(data))
        self.s3.put_object(Bucket=bucket, Key=key, Body=data)
        return "s3://%s/%s" % (bucket, key)

    def training_job(self, name, model_folder):
        """A SageMaker training job whose ModelArtifacts.S3ModelArtifacts holds model_folder's tarball."""
        sm = self.sb.boto3_client("sagemaker")
        arn = sm.create_training_job(
            TrainingJobName=name, RoleArn=self.role, OutputDataConfig={"S3OutputPath": "s3://gg-core-test-models/jobs"},
            AlgorithmSpecification={"TrainingImage": "image-classification:1", "TrainingInputMode": "File"},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 1},
            StoppingCondition={"MaxRuntimeInSeconds": 60})["TrainingJobArn"]
        uri = sm.describe_training_job(TrainingJobName=name)["ModelArtifacts"]["S3ModelArtifacts"]
        self.model(name, folder=model_folder, key=uri.split("/", 3)[3])
        return arn

    def deploy(self, functions, subscriptions, resources=()):
        """A new group version of these definitions, deployed; returns the deployment id."""
        gg = self.gg
        core = gg.create_core_definition(InitialVersion={"Cores": [{
            "Id": self.thing_name, "ThingArn": self.thing_arn, "SyncShadow": False,
            "CertificateArn": "arn:aws:iot:%s:123456789012:cert/%s" % (self.region, "0" * 64)}]})
        versions = {"CoreDefinitionVersionArn": core["LatestVersionArn"]}
        fn = gg.create_function_definition(InitialVersion={"Functions": list(functions)})
        versions["FunctionDefinitionVersionArn"] = fn["LatestVersionArn"]
        subs = [{"Id": "s%d" % i, "Source": self._endpoint(s), "Subject": subject, "Target": self._endpoint(t)}
                for i, (s, subject, t) in enumerate(subscriptions)]
        sub = gg.create_subscription_definition(InitialVersion={"Subscriptions": subs})
        versions["SubscriptionDefinitionVersionArn"] = sub["LatestVersionArn"]
        if resources:
            res = gg.create_resource_definition(InitialVersion={"Resources": list(resources)})
            versions["ResourceDefinitionVersionArn"] = res["LatestVersionArn"]
        if self.group_id is None:
            self.group_id = gg.create_group(Name="core-test-%s" % self.uid)["Id"]
        version = gg.create_group_version(GroupId=self.group_id, **versions)["Version"]
        return gg.create_deployment(GroupId=self.group_id, GroupVersionId=version,
                                    DeploymentType="NewDeployment")["DeploymentId"]

    @staticmethod
    def _endpoint(value):
        return value["FunctionArn"] if isinstance(value, dict) else value

    def status(self, deployment_id):
        return self.gg.get_deployment_status(GroupId=self.group_id, DeploymentId=deployment_id)

    def wait_status(self, deployment_id, timeout=60, core=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.status(deployment_id)
            if status["DeploymentStatus"] in ("Success", "Failure"):
                return status
            if core is not None and core.proc.poll() is not None:
                raise AssertionError("the core exited (%s):\n%s" % (core.proc.returncode, core.output()))
            time.sleep(0.2)
        raise AssertionError("deployment %s still %s after %ss:\n%s" % (
            deployment_id, status["DeploymentStatus"], timeout, core.output() if core else ""))


class CoreProcess:
    """`gg core run` as a user runs it, in its own session; stop() ends it and checks nothing is left."""

    def __init__(self, sandbox, tmp_path):
        self.sb = sandbox
        self.work_dir = str(tmp_path / "work")
        self.log_path = str(tmp_path / "core.out")
        self.launcher = None

    @property
    def proc(self):
        return self.launcher.proc if self.launcher else None

    def start(self, builder, *extra):
        env = dict(os.environ, **self.sb.env())
        env.pop("GG_MQTT_HOST", None)  # the core finds the broker through the sandbox itself
        env.pop("GG_MQTT_PORT", None)
        self.launcher = launcher.CoreProcess(
            builder.config_path, self.work_dir, self.log_path, env=env, cwd=ROOT,
            args=["--endpoint-url", self.sb.endpoint_url, "--poll-interval", "0.3", "--ready-timeout", "30"]
            + list(extra)).start()
        return self

    def output(self):
        return self.launcher.tail() if self.launcher else ""

    def lambda_pids(self):
        return launcher.lambda_pids(self.work_dir)

    def wait(self, timeout=60):
        return self.proc.wait(timeout)

    def stop(self, timeout=20):
        if self.launcher is None:
            return
        stuck, left = self.launcher.stop(timeout)
        assert not stuck, "the core did not stop on SIGTERM:\n" + self.output()
        assert not left, "Lambda processes left behind: %s" % left


class Mqtt:
    """A cloud-side MQTT client on the sandbox broker that remembers what it received."""

    def __init__(self, host, port):
        import paho.mqtt.client as mqtt

        self.messages = []
        self._cond = threading.Condition()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="test-" + uuid.uuid4().hex[:8])
        self.client.on_message = self._on_message
        self.client.connect(host, port)
        self.client.loop_start()

    def _on_message(self, client, userdata, message):
        with self._cond:
            self.messages.append((message.topic, bytes(message.payload)))
            self._cond.notify_all()

    def subscribe(self, topic):
        done = threading.Event()
        self.client.on_subscribe = lambda *a, **k: done.set()
        self.client.subscribe(topic, qos=1)
        assert done.wait(5), "no SUBACK for %s" % topic

    def publish(self, topic, payload):
        if not isinstance(payload, (bytes, str)):
            payload = json.dumps(payload)
        self.client.publish(topic, payload, qos=1).wait_for_publish(5)

    def wait_for(self, topic, predicate=lambda body: True, timeout=20):
        """The first JSON message on `topic` that satisfies predicate."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for t, payload in self.messages:
                    if t == topic:
                        try:
                            body = json.loads(payload.decode("utf-8"))
                        except ValueError:
                            body = payload
                        if predicate(body):
                            return body
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("nothing on %s within %ss; got %s" % (
                        topic, timeout, [m for m in self.messages if m[0] == topic][-5:]))
                self._cond.wait(left)

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


@pytest.fixture
def group_builder(sandbox, tmp_path):
    return GroupBuilder(sandbox, tmp_path)


@pytest.fixture
def core(sandbox, tmp_path):
    proc = CoreProcess(sandbox, tmp_path)
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def mqtt(sandbox):
    client = Mqtt(sandbox.mqtt_host, sandbox.mqtt_port)
    try:
        yield client
    finally:
        client.close()
