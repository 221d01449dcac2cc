# Unit tests of tools/compare_common.py: paths shown relative to the source
# tree, command lines quoted for the logs, a file's tail.
import os

import compare_common as c


def test_rel_and_cmdline():
    assert c.rel(os.path.join(c.ROOT, "tools", "compare")) == "tools/compare"
    assert c.rel("/somewhere/else") == "/somewhere/else"
    assert c.cmdline([os.path.join(c.ROOT, "build", "x"), "-X", "a b"]) == "build/x -X 'a b'"


def test_tail(tmp_path):
    p = tmp_path / "log"
    p.write_text("".join(f"line {i}\n" for i in range(30)))
    assert c.tail(str(p), 2) == "line 28\nline 29\n"
    assert c.tail(str(tmp_path / "missing")) == ""


def test_run_quiet_reports_a_missing_program():
    rc, out, err = c.run_quiet(["/nonexistent/program"])
    assert rc == -1 and out == "" and "nonexistent" in err
