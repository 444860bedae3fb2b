"""The command line a newcomer meets: help with examples shown as written, suggestions on typos at the
right level, shell completion, exit codes. All offline, through the real `gg` command."""
import os
import subprocess

import pytest

from gg_manager.cli import main
from gg_manager.demo.processes import gg_command

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def gg(*args, env=None, cwd=ROOT):
    proc = subprocess.run(gg_command() + list(args), capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **(env or {})), cwd=str(cwd))
    return proc.returncode, proc.stdout, proc.stderr


def commands_and_actions():
    from gg_manager.cli import build_cli
    import click
    root = build_cli()
    for name, cmd in root.commands.items():
        if isinstance(cmd, click.Group):
            for action in cmd.commands:
                yield (name, action)
        yield (name,)


@pytest.mark.parametrize("path", list(commands_and_actions()), ids=" ".join)
def test_every_command_has_a_description_and_an_example(path, capsys):
    assert main(list(path) + ["--help"]) == 0
    text = capsys.readouterr().out
    usage, _, rest = text.partition("\n\n")
    assert usage.startswith("Usage: gg " + " ".join(path))
    description = rest.split("\n\n")[0].strip()
    assert len(description) > 20 and not description.startswith("Options:"), text
    examples = text.split("\nExamples:\n", 1)[1]
    assert "  gg " in examples or "  eval " in examples, text


def test_examples_render_intact():
    """Not rewrapped: every example line of the help is the line as written, whole."""
    code, out, _ = gg("unlock", "--help")
    assert code == 0
    assert "\n  gg unlock --group store-1\n  gg unlock --list\n" in out
    code, out, _ = gg("feedback", "push", "--help")
    assert ("\n  gg feedback push /home/ggc_user/raw_field_data s3://my-bucket/feedback/store-1 --delete\n"
            in out), out
    code, out, _ = gg("rollout", "--help")
    assert "\n  gg rollout --waves 1,25%,100% --max-failures 5% --timeout 900\n" in out
    assert "gg-\n" not in gg("unlock", "--help")[1]      # a name (gg-locks) is never split at its hyphen


def test_a_mistyped_command_gets_a_suggestion():
    code, out, err = gg("plna")
    assert code == 2 and out == ""
    assert "error: No such command 'plna'. Did you mean 'plan'?" in err
    assert "Traceback" not in err


def test_a_mistyped_option_gets_the_commands_usage_and_one_suggestion():
    code, _, err = gg("plan", "--formt", "json")
    assert code == 2
    assert err.startswith("Usage: gg plan [OPTIONS]\n"), err        # the command's usage, not the top level's
    assert "error: No such option: --formt Did you mean --format?" in err
    code, _, err = gg("sandbox", "start", "--latncy-ms", "5")
    assert code == 2 and err.startswith("Usage: gg sandbox start [OPTIONS]") and "--latency-ms" in err


def test_exit_codes_of_usage(capsys):
    assert main([]) == 2                          # no command: the help, as a usage error
    assert "Commands:" in capsys.readouterr().out
    assert main(["sandbox"]) == 2
    assert "Usage: gg sandbox [OPTIONS] COMMAND" in capsys.readouterr().out
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("gg ")
    assert main(["validate", "--format", "yaml"]) == 2
    assert "'yaml' is not one of 'text', 'json'" in capsys.readouterr().err


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell):
    code, out, _ = gg("completion", shell)
    assert code == 0
    assert "_GG_COMPLETE" in out and ("%s_source" % shell in out or "%s_complete" % shell in out)


def test_completion_completes_commands_options_and_choices():
    def complete(words, cword):
        code, out, _ = gg(env={"_GG_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)})
        assert code == 0
        return [line.split(",", 1)[1] for line in out.splitlines()]
    assert complete("gg pl", 1) == ["plan"]
    assert set(complete("gg sandbox s", 2)) == {"start", "stop", "status"}
    assert "--format" in complete("gg plan --for", 2)
    assert complete("gg plan --format ", 3) == ["json", "markdown", "text"]


def test_debug_and_no_color_are_taken_before_or_after_the_command(tmp_path):
    (tmp_path / "greengrass.yaml").write_text("Group: {name: g1}\nCores: [{name: c1}]\n")
    for args in (["--debug", "--no-color", "validate"], ["validate", "--debug", "--no-color"]):
        code, out, err = gg(*args, cwd=tmp_path)
        assert code == 0, err
        assert "valid (1 group: g1)" in out
