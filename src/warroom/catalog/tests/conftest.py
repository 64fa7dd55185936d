"""The catalog of the example provider, loaded from the file the package ships."""

from __future__ import annotations

import pytest


@pytest.fixture
def provider(db):
    """Northwind Telecom's catalog (`examples/provider.yaml`): 2 groups, 11 components."""
    from warroom.catalog.loader import load_catalog
    from warroom.catalog.tests.helpers import EXAMPLE

    return load_catalog(EXAMPLE)
