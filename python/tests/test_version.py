"""sluice.__version__ (python/sluice/__init__.py) and the distribution's
version (pyproject.toml's dynamic metadata) against the one place the
version is defined: project(sluice VERSION ...) in the top CMakeLists.txt.
No broker."""
import importlib.metadata
import re

import sluice
from conftest import ROOT

TOP_CMAKELISTS = ROOT / "CMakeLists.txt"


def project_version():
    match = re.search(r"^project\(sluice VERSION ([0-9]+(?:\.[0-9]+)*)", TOP_CMAKELISTS.read_text(), re.MULTILINE)
    assert match, f"no 'project(sluice VERSION x.y.z' line in {TOP_CMAKELISTS}"
    return match.group(1)


def test_version_is_the_libraries_and_the_distributions_and_the_projects():
    assert sluice.__version__ == sluice._sluice.version()
    assert sluice.__version__ == importlib.metadata.version("sluice")
    assert sluice.__version__ == project_version()
