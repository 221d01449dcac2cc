# Unit tests of tools/compare_runner.py's measuring of one process: exit
# code, output to the log files, CPU read from /proc before reaping, and a
# run over its time limit killed with a clear error.
import os
import time

import pytest

import compare_runner as runner
from compare_common import Failure


def test_run_measured_logs_and_measures(tmp_path):
    prefix = str(tmp_path / "run")
    # burn a little CPU in the child so its /proc figures are above 0
    m = runner.run_measured(["python3", "-c", "import sys\nx = sum(range(3_000_000))\nprint('out', x)\n"
                             "print('err', file=sys.stderr)\nsys.exit(3)"], prefix, timeout=60)
    assert m["rc"] == 3 and m["stdout"].startswith("out ")
    assert open(prefix + ".err").read() == "err\n" and "python3 -c" in open(prefix + ".cmd").read()
    assert m["comm"].startswith("python3") and m["stat_cpu_s"] > 0 and m["rusage_cpu_s"] > 0
    assert m["rusage_maxrss_mib"] > 1 and m["wall_s"] > 0
    assert runner.CURRENT_CHILD is None


def test_run_over_its_limit_is_killed(tmp_path):
    t0 = time.monotonic()
    with pytest.raises(Failure, match="ran over 1 s and was killed"):
        runner.run_measured(["sleep", "30"], str(tmp_path / "slow"), timeout=1)
    assert time.monotonic() - t0 < 15 and runner.CURRENT_CHILD is None


def test_read_stat_cpu_of_this_process():
    cpu, comm = runner.read_stat_cpu(os.getpid())
    assert cpu >= 0 and comm
