"""The engine half (hunt, intel, scenario) must work without Django: DESIGN.md's one rule."""

import subprocess
import sys

import pytest

ENGINE = ["warroom.hunt", "warroom.intel", "warroom.scenario"]


@pytest.mark.parametrize("package", ENGINE)
def test_it_imports_without_django(package: str) -> None:
    # A fresh interpreter, so modules the test run already imported cannot hide an import.
    code = (
        "import sys, importlib, pkgutil\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    if '.tests' not in info.name:\n"
        "        importlib.import_module(info.name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not leaked, leaked\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
