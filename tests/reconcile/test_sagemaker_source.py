"""A SageMaker training job as the model source: the group role allows exactly it (a missing one fails the
plan: test_model_sources.py)."""
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


def _use_job(project, arn):
    project.edit("    Source: ./model", "    Source: %s" % arn)


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
