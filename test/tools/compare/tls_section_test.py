#!/usr/bin/python3
# Unit test of tools/compare_tls.py's handling of BENCHMARKS.md (CTest label
# "unit", no broker): the TLS section lives between two marker comments, a
# --tls run replaces only that block (or inserts it before "## Machine and
# versions"), and a plaintext run of tools/compare carries it over.
import os
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "tools"))
import compare_tls as t  # noqa: E402


def block(body):
    return f"{t.BEGIN}\n## Over TLS\n{body}\n{t.END}"


def check(cond, what):
    if not cond:
        print(f"FAIL: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


plain = "# Benchmarks\n\n## Results (medians)\n| a |\n\n## Machine and versions\n| m |\n"
check(t.extract(plain) is None, "no section in a plaintext report")

with_tls = t.splice(plain, block("first"))
check(with_tls.index(t.BEGIN) > with_tls.index("## Results") and
      with_tls.index(t.END) < with_tls.index("## Machine and versions"), "a new section goes before the machine section")
check(with_tls.startswith("# Benchmarks\n\n## Results (medians)\n| a |\n\n" + t.BEGIN), "the text before it is unchanged")
check(t.extract(with_tls) == block("first"), "extract returns the block, markers included")

again = t.splice(with_tls, block("second"))
check("first" not in again and again.count(t.BEGIN) == 1 and t.extract(again) == block("second"),
      "a rerun replaces the section, once")
check(again.replace(block("second"), block("first")) == with_tls, "and touches nothing else")

bare = "# Benchmarks\n"
check(t.splice(bare, block("x")) == "# Benchmarks\n\n" + block("x") + "\n", "without a machine section it is appended")

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "BENCHMARKS.md")
    check(t.carry_over(path, plain) == plain, "no old file: the new report as it is")
    with open(path, "w") as f:
        f.write(again)
    new_plain = plain.replace("| a |", "| b |")
    kept = t.carry_over(path, new_plain)
    check(t.extract(kept) == block("second") and "| b |" in kept and "| a |" not in kept,
          "a plaintext rerun keeps the TLS section and takes the new tables")
print("PASS")
