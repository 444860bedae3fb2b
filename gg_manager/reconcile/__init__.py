"""The reconciler: desired (from the spec) vs actual (from AWS) -> plan -> execute.

desired.py builds what should exist, discover.py reads what does (read-only),
diff.py compares them into a Plan of ordered steps, execute.py runs the steps.
"""
