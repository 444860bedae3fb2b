"""A model from S3 on V2: repacked as a ZIP at apply time (what Greengrass unpacks), and a new object
there is a new ZIP and a new model component version."""
import io
import zipfile

from gg_manager.aws.session import paginate
from gg_manager.package.model_tarball import pack_model_dir


def test_an_s3_tarball_becomes_the_models_zip_and_a_new_one_a_new_version(v2_project, aws_env):
    s3 = aws_env.boto3_client("s3")
    bucket = v2_project.prefix + "-models"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="m/model.tar.gz", Body=pack_model_dir(str(v2_project.root / "model")))
    v2_project.edit("Source: ./model", "Source: s3://%s/m/model.tar.gz" % bucket)
    code, out = v2_project.gg("apply")
    assert code == 0, out
    stem = (v2_project.prefix + "-model").replace("-", "_")
    gg_bucket = "gg-artifacts-123456789012-%s" % aws_env.region
    keys = [o["Key"] for o in paginate(s3, "list_objects_v2", "Contents", Bucket=gg_bucket, Prefix="gg-models/%s/" % stem)]
    assert len(keys) == 1 and keys[0].endswith("/%s.zip" % stem)
    data = s3.get_object(Bucket=gg_bucket, Key=keys[0])["Body"].read()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.read("model-shapes.json") == (v2_project.root / "model" / "model-shapes.json").read_bytes()
    assert v2_project.plan_json()[0] == 0
    (v2_project.root / "model" / "model-shapes.json").write_text('[{"shape": [1, 3, 8, 8]}]')
    s3.put_object(Bucket=bucket, Key="m/model.tar.gz", Body=pack_model_dir(str(v2_project.root / "model")))
    code, plan = v2_project.plan_json()
    assert code == 2
    assert ("create", "component version", "gg.model.%s 1.0.1" % stem) in {
        (c["action"], c["kind"], c["name"]) for c in plan["changes"]}
    assert v2_project.gg("apply")[0] == 0
    assert v2_project.plan_json()[0] == 0
    assert v2_project.gg("remove", "--yes")[0] == 0
