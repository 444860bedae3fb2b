"""The plan engine shared by every target.

model.py   Plan, Change, Step, Ref, Text, Note: the plan as a value
render.py  text, markdown and JSON renderings of the same steps
execute.py the executor: runs exactly the steps, knows no resource type
operations.py  'service:Operation' -> botocore (checked at plan time)
saved.py   `gg plan --out` / `gg apply FILE`
sensitive.py   values shown as "(sensitive)" in every output
"""
from gg_manager.plan.model import Change, Note, Plan, Ref, Step, Text

__all__ = ["Change", "Note", "Plan", "Ref", "Step", "Text"]
