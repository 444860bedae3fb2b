"""Python 2 handlers (greengo only ever ran python2.7): say what to write instead.

Greengrass V1 runs python3.7 and python3.8 Lambdas; a greengo function needs one
edit, porting its handler. When the handler does not parse as Python 3 and the
error is one Python 2 code produces, the message names the fix.
"""
RUNTIME_HINT = "AWS Lambda runs Python 3 (runtime: python3.7 or python3.8)"

# Python 3 compiler messages for constructs that were valid Python 2 -> what to write
PY2_MESSAGES = (
    ("Missing parentheses in call to 'print'",
     "Python 2 'print' statement; AWS Lambda runs Python 3: write print(...)"),
    ("Missing parentheses in call to 'exec'",
     "Python 2 'exec' statement; AWS Lambda runs Python 3: write exec(...)"),
    ("multiple exception types must be parenthesized",
     "Python 2 'except E, name:'; AWS Lambda runs Python 3: write 'except E as name:'"),
    ("leading zeros in decimal integer literals",
     "Python 2 octal literal; AWS Lambda runs Python 3: write 0o777, not 0777"),
)
# other messages that, in practice, come from Python 2 code
PY2_LIKELY = ("invalid decimal literal", "backtick", "'<>'", "Did you mean print")


def python2_hint(exc):
    """The message for a SyntaxError that Python 2 code causes, or None."""
    message = exc.msg or ""
    for fragment, hint in PY2_MESSAGES:
        if message.startswith(fragment):
            return hint
    line = exc.text or ""
    if any(f in message for f in PY2_LIKELY) or "`" in line or "<>" in line or \
            line.lstrip().startswith(("print ", "print>>", "exec ")):
        return ("Python 2 syntax (%s); %s: port the handler to Python 3"
                % (message.rstrip("."), RUNTIME_HINT))
    return None
