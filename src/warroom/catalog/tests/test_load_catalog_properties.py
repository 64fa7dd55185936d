"""Property test of the loader: whatever the file holds, it loads (and reloads to no change) or
it is refused with every problem naming the file; nothing else ever escapes."""

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from warroom.catalog.loader import CatalogFileError, load_catalog
from warroom.catalog.models import (
    Component,
    ComponentDependency,
    ComponentHost,
    Contact,
    Customer,
)

# Few names, so that references often hit, sometimes miss, and duplicates happen.
NAMES = ["Portal", "Voice API", "Network", "Identity", "Acme"]
FIELDS = [
    "name",
    "group",
    "description",
    "public",
    "position",
    "depends_on",
    "hosts",
    "reseller",
    "language",
    "components",
    "contacts",
    "showcase",
    "colour",
]

name = st.sampled_from(NAMES)
contact = st.fixed_dictionaries(
    {"name": name}, optional={"email": st.sampled_from(["noc@acme.example", "noc@"])}
)
value = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1, 3),
    name,
    st.text(alphabet="ab .", max_size=4),
    st.sampled_from(["en", "de", "fr", "10.0.0.1", "DC01.corp.example"]),
    st.lists(name, max_size=3),
    st.lists(contact, max_size=2),
)
entry = st.one_of(
    st.fixed_dictionaries({"name": name}, optional={f: value for f in FIELDS if f != "name"}),
    st.dictionaries(st.sampled_from(FIELDS), value, max_size=5),
)
# Entries of the right shape, names unique, whose references may still miss or be circular.
component_name = st.sampled_from(["Portal", "Voice API", "Identity", "Billing"])
# Repeats weight the draw: most references hit, a few miss.
references = st.lists(
    st.sampled_from(["Portal", "Voice API", "Identity", "Network"] * 4 + ["Nowhere"]), max_size=3
)
well_formed = st.fixed_dictionaries(
    {"groups": st.just([{"name": "Network"}])},
    optional={
        "components": st.lists(
            st.fixed_dictionaries(
                {"name": component_name},
                optional={
                    "group": st.sampled_from(["Network"] * 5 + ["Portal"]),
                    "depends_on": references,
                    "hosts": st.lists(st.sampled_from(["dc01", "10.0.0.1", "A.example"])),
                    "public": st.booleans(),
                },
            ),
            max_size=4,
            unique_by=lambda component: component["name"],
        ),
        "customers": st.lists(
            st.fixed_dictionaries(
                {"name": st.sampled_from(["Contoso", "Fabrikam", "Adatum"])},
                optional={
                    "reseller": st.booleans(),
                    "language": st.sampled_from(["en", "de"]),
                    "components": references,
                    "contacts": st.lists(contact, max_size=2, unique_by=lambda c: c["name"]),
                },
            ),
            max_size=3,
            unique_by=lambda customer: customer["name"],
        ),
    },
)
anything = st.dictionaries(
    st.sampled_from(["groups", "components", "customers", "extra"]),
    st.lists(entry, max_size=4),
    max_size=3,
)
catalogs = st.one_of(well_formed, well_formed, anything, value)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(catalogs)
def test_a_file_loads_again_to_no_change_or_is_refused_by_name(db, tmp_path, data):
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    before = _rows()
    problems = _problems(path)
    event("loaded" if problems is None else "refused")
    if problems is None:
        assert load_catalog(path).created == 0
    else:
        assert problems
        assert all(problem.startswith(f"{path}: ") for problem in problems)
        assert _rows() == before


def _rows():
    """Every catalog row as plain values, to see that a refused file changed nothing."""
    tables = [
        Component.objects.values_list(),
        ComponentDependency.objects.values_list(),
        ComponentHost.objects.values_list(),
        Contact.objects.values_list(),
        Customer.objects.values_list(),
        Customer.components.through.objects.values_list(),
    ]
    return [sorted(rows) for rows in tables]


def _problems(path):
    """The problems load_catalog reports, or None when it loaded the file."""
    try:
        load_catalog(path)
    except CatalogFileError as error:
        return error.problems
    return None
