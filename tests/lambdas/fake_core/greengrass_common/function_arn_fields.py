class FunctionArnFields(object):
    def __init__(self, arn):
        parts = arn.split(":")
        self.name = parts[6] if len(parts) > 6 else arn
        self.qualifier = parts[7] if len(parts) > 7 else None
        self.unqualified_arn = ":".join(parts[:7])
