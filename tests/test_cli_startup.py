"""`issuemine --help` must stay light: no heavy library may be imported to print the help."""

import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "sklearn", "scipy", "fugashi", "plotly", "umap", "numba", "fastapi", "openpyxl")

PROBE = f"""
import sys, contextlib, io
from issuemine.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(["--help"])
    except SystemExit:
        pass
print(",".join(m for m in {HEAVY!r} if m in sys.modules))
"""


def test_help_imports_nothing_heavy():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"--help imported: {out.stdout.strip()}"


def test_help_lists_commands_in_japanese():
    out = subprocess.run([sys.executable, "-m", "issuemine", "--help"], capture_output=True, text=True, check=True)
    assert "コマンド" in out.stdout


def test_every_command_module_declares_its_interface():
    from issuemine.cli.main import _command_modules

    mods = _command_modules()
    names = [m.NAME for m in mods]
    assert len(names) == len(set(names))
    for m in mods:
        assert callable(m.add_arguments) and callable(m.run)
        assert any("\u3040" <= ch <= "\u9fff" for ch in m.HELP), f"{m.NAME}: help must be Japanese"


@pytest.mark.parametrize("command,batch", [("terms", True), ("serve", False)])
def test_batch_commands_collect_garbage_in_large_batches_and_restore_it(monkeypatch, command, batch):
    import gc
    import importlib

    from issuemine.cli.main import BATCH_GC_THRESHOLD, main

    seen = []
    mod = importlib.import_module(f"issuemine.cli.commands.{command}")
    monkeypatch.setattr(mod, "run", lambda args: seen.append(gc.get_threshold()) or 0)
    before = gc.get_threshold()
    argv = [command, "x.csv"] if command == "terms" else [command]
    assert main(argv) == 0
    assert (seen[0][0] == BATCH_GC_THRESHOLD) is batch
    assert gc.get_threshold() == before  # in-process callers (tests, notebooks) get their settings back


def test_output_cut_short_by_a_pipe_is_not_an_error():
    """`issuemine … | head`: the reader closes the pipe early; no traceback, no failure."""
    import subprocess
    import sys

    code = ("import sys\nfrom issuemine.cli.main import main\n"
            "import issuemine.cli.commands.terms as t\n"
            "def run(args):\n    for i in range(100000):\n        print('語', i)\n    return 0\n"
            "t.run = run\nsys.exit(main(['terms', 'x.csv']))\n")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.readline()
    p.stdout.close()  # like head after its first line
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 0 and "Traceback" not in err and "BrokenPipe" not in err, err
