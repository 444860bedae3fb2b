"""Lambda code where AWS says it is: GetFunction's Code.Location must be downloadable.

moto answers GetFunction with a Location in the `awslambda-<region>-tasks` bucket but
never stores the code there, so a core (the local core, or anything following the
AWS contract) cannot fetch it. Each time a function's code is set, it is put into
the sandbox's own S3 at that bucket and key.

moto also publishes a version as a shallow copy of $LATEST that shares its `code`
dict, so a later code update re-points every old version at the new code; a
published version gets its own copy, as AWS versions are immutable.
"""
from moto.awslambda.models import LambdaFunction, LambdaStorage
from moto.s3.models import s3_backends


def code_bucket(region):
    return "awslambda-%s-tasks" % region


def install():
    original = LambdaFunction._set_function_code
    if getattr(original, "_gg_sandbox", False):
        return

    def set_function_code(self, updated_spec):
        original(self, updated_spec)
        key, data = self.code.get("S3Key"), getattr(self, "code_bytes", None)
        if not (key and data):
            return
        backend = s3_backends[self.account_id][self.partition]
        bucket = code_bucket(self.region)
        if bucket not in backend.buckets:
            backend.create_bucket(bucket, self.region)
        backend.put_object(bucket, key, data)

    set_function_code._gg_sandbox = True
    LambdaFunction._set_function_code = set_function_code

    publish = LambdaStorage.publish_version

    def publish_version(self, name_or_arn, description=""):
        version = publish(self, name_or_arn, description)
        if version is not None and version.code is self._functions[version.function_name]["latest"].code:
            version.code = dict(version.code)
        return version

    LambdaStorage.publish_version = publish_version
