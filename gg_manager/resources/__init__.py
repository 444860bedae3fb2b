"""What both targets (Greengrass V1 and V2) make the same way, each with its desired value,
its discovery (read-only) and the plan changes that carry it out.

names.py      names and tags gg gives what it makes (found again by them, never by a local file)
compare.py    comparing API-shaped values and describing what differs
lambda_fn.py  Lambda functions: package, create/update, publish, alias
iam.py        IAM roles with one inline policy
artifacts.py  the artifact bucket and the model objects gg uploads; SageMaker model sources
iot.py        a core device in IoT: thing, certificate (key kept local), policy
"""
