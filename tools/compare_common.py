# tools/compare_common.py: what every part of tools/compare uses: the paths,
# the one-line errors and messages, command lines for logs, and facts about
# the machine. Not a program (tools/compare imports it).
import os
import shlex
import subprocess
import sys

PROG = "compare"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KAFKA_LOCAL = os.path.join(ROOT, "tools", "kafka-local")
KAFKA_VERSION = "4.3.1"  # what tools/kafka-local runs, and the kafka-clients of ProducerPerformance


class Failure(Exception):
    """A clear, one-line error for the user."""


def say(msg):
    print(f"{PROG}: {msg}", file=sys.stderr, flush=True)


def die(msg, code=1):
    print(f"{PROG}: error: {msg}", file=sys.stderr, flush=True)
    sys.exit(code)


def rel(path):
    try:
        r = os.path.relpath(path, ROOT)
    except ValueError:
        return path
    return path if r.startswith("..") else r


def cmdline(cmd):
    return " ".join(shlex.quote(rel(c) if os.path.isabs(c) else c) for c in cmd)


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[:3]


def cpu_info():
    model, mhz, flags = None, None, ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            k, _, v = line.partition(":")
            k, v = k.strip(), v.strip()
            if k == "model name" and model is None:
                model = v
            elif k == "cpu MHz" and mhz is None:
                mhz = v
            elif k == "cpu family" and "family" not in flags:
                flags += f"family {v}"
            elif k == "model" and "model " not in flags:
                flags += f", model {v}"
    mem = None
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) / 1024 / 1024
    return {"model": model or "unknown", "mhz": mhz, "family": flags, "cores": os.cpu_count(),
            "mem_gib": mem, "kernel": os.uname().release}


def debian_version():
    try:
        with open("/etc/debian_version") as f:
            return f.read().strip()
    except OSError:
        return "?"


def run_quiet(cmd, timeout=120, **kw):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
        return r.returncode, r.stdout, r.stderr
    except (OSError, subprocess.TimeoutExpired) as e:
        return -1, "", str(e)


def tail(path, n=20):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""
