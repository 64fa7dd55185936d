"""The clock engine runs without Django, and its deadlines read right on an Obligation row."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from warroom.clocks.choices import ClockState, ObligationStatus
from warroom.clocks.engine import explain
from warroom.clocks.facts import parse_facts
from warroom.clocks.models import Obligation as ObligationRow

PURE = ["warroom.clocks.facts", "warroom.clocks.rules", "warroom.clocks.regimes",
        "warroom.clocks.engine", "warroom.clocks_cli"]  # fmt: skip


def test_the_engine_imports_without_django():
    code = (
        "import sys, importlib\n"
        f"for name in {PURE!r}:\n"
        "    importlib.import_module(name)\n"
        "from warroom.clocks.regimes import all_regimes\n"
        "all_regimes()\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not leaked, leaked\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


AWARE = datetime(2025, 8, 12, 10, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("offset", "state"),
    [(-SECOND, ClockState.DUE_SOON), (timedelta(0), ClockState.OVERDUE),
     (SECOND, ClockState.OVERDUE)],
)  # fmt: skip
def test_the_early_warning_is_overdue_from_its_deadline_on(offset, state):
    facts = parse_facts({"aware_at": AWARE.isoformat(), "entity": "telecom_provider",
                         "countries": ["DE"]})  # fmt: skip
    (warning,) = [o for o in explain(facts) if o.key == "eu_nis2.early_warning:DE"]
    assert warning.due_at == AWARE + timedelta(hours=24)
    row = ObligationRow(
        starts_at=warning.starts_at, due_at=warning.due_at, status=ObligationStatus.OPEN
    )
    assert row.state(warning.due_at + offset) == state
