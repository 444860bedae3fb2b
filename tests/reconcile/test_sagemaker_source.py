"""A SageMaker training job as the model source: checked at plan time, and the group role allows it."""
import json


def _job(sandbox, name):
    sm = sandbox.boto3_client("sagemaker")
    sm.create_training_job(
        TrainingJobName=name, RoleArn="arn:aws:iam::123456789012:role/sm",
        AlgorithmSpecification={"TrainingImage": "image-classification", "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://bucket/out"},
        ResourceConfig={"InstanceType": "ml.p2.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
        StoppingCondition={"MaxRuntimeInSeconds": 3600})
    return sm.describe_training_job(TrainingJobName=name)


def _line_of(project, text):
    lines = (project.root / "greengrass.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def _use_job(project, arn):
    project.edit("    Source: ./model", "    Source: %s" % arn)


def test_missing_training_job_fails_the_plan(project, aws_env):
    arn = "arn:aws:sagemaker:us-east-1:123456789012:training-job/%s-nope" % project.prefix
    _use_job(project, arn)
    code, out = project.gg("plan")
    assert code == 1
    line = _line_of(project, arn)
    assert out.strip() == "error: %s:%d:13 Models[0].Source: SageMaker training job %s-nope does not exist " \
        "(model source %s)" % (project.spec_path, line, project.prefix, arn)


def test_completed_training_job_is_the_model_and_the_role_allows_exactly_it(project, aws_env):
    job = _job(aws_env, project.prefix + "-job")
    assert job["TrainingJobStatus"] == "Completed"      # the sandbox completes jobs at once
    _use_job(project, job["TrainingJobArn"])
    code, out = project.gg("apply")
    assert code == 0, out
    iam = aws_env.boto3_client("iam")
    role = "gg-%s-g-group-role" % project.prefix
    doc = iam.get_role_policy(RoleName=role, PolicyName=role + "-policy")["PolicyDocument"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    statements = {tuple(sorted(s["Action"])) if isinstance(s["Action"], list) else (s["Action"],): s["Resource"]
                  for s in doc["Statement"]}
    assert statements[("sagemaker:DescribeTrainingJob",)] in (job["TrainingJobArn"], [job["TrainingJobArn"]])
