"""Split a Lambda function ARN into region, account, name and qualifier (as greengrasssdk expects)."""
import re

_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:([a-z0-9-]*):([0-9]*):function:([^:]+)(?::([^:]+))?$")


class FunctionArnFields(object):
    @staticmethod
    def build_function_arn(unqualified_arn, qualifier):
        return "{}:{}".format(unqualified_arn, qualifier) if qualifier else unqualified_arn

    @staticmethod
    def build_arn_string(region, account_id, name, qualifier):
        base = "arn:aws:lambda:{}:{}:function:{}".format(region, account_id, name)
        return FunctionArnFields.build_function_arn(base, qualifier)

    def __init__(self, function_arn_string):
        match = _ARN.match(function_arn_string or "")
        if not match:
            raise ValueError("Cannot parse given string as a function ARN.")
        self.region, self.account_id, self.name, self.qualifier = match.groups()
        if self.qualifier:
            self.unqualified_arn = function_arn_string[:-len(self.qualifier) - 1]
        else:
            self.unqualified_arn = function_arn_string

    def to_arn_string(self):
        return FunctionArnFields.build_function_arn(self.unqualified_arn, self.qualifier)
