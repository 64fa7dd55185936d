"""load_catalog: a YAML catalog in, rows by name out; every problem named, or nothing saved."""

import textwrap

import pytest

from warroom.catalog.loader import CatalogFileError, load_catalog
from warroom.catalog.models import Component, ComponentHost, Contact, Customer
from warroom.catalog.tests.helpers import EXAMPLE, named


def _write(tmp_path, monkeypatch, text):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalog.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return "catalog.yaml"


def _problems(path):
    with pytest.raises(CatalogFileError) as caught:
        load_catalog(path)
    return caught.value.problems


def test_it_loads_the_example(db):
    result = load_catalog(EXAMPLE)
    assert (result.groups, result.components, result.customers) == (2, 11, 8)
    portal = named("Customer portal")
    assert portal.group == named("Customer services")
    assert {c.name for c in portal.depends_on.all()} == {
        "SharePoint intranet",
        "Identity service",
        "Billing",
    }
    assert not named("Identity service").public
    assert list(named("Identity service").hosts.values_list("host", flat=True)) == [
        "10.20.0.10",
        "dc01.corp.nwtelecom.example",
    ]
    resellers = Customer.objects.filter(is_reseller=True).values_list("name", flat=True)
    assert sorted(resellers) == ["Appel Nuage SAS", "Cloudline Telephony Ltd", "Wolkenruf GmbH"]
    wolkenruf = Customer.objects.get(name="Wolkenruf GmbH")
    assert wolkenruf.language == "de"
    assert wolkenruf.contacts.count() == 2


def test_a_second_load_changes_nothing(db):
    load_catalog(EXAMPLE)
    codes = dict(Component.objects.values_list("name", "code"))
    tokens = dict(Customer.objects.values_list("name", "page_token"))
    counts = [m.objects.count() for m in (Component, ComponentHost, Contact, Customer)]
    assert load_catalog(EXAMPLE).created == 0
    assert dict(Component.objects.values_list("name", "code")) == codes
    assert dict(Customer.objects.values_list("name", "page_token")) == tokens
    assert [m.objects.count() for m in (Component, ComponentHost, Contact, Customer)] == counts


def test_the_file_decides_what_its_entries_hold(db, tmp_path, monkeypatch):
    path = _write(
        tmp_path,
        monkeypatch,
        """
        components:
          - {name: Identity service}
          - {name: Billing}
          - {name: Portal, depends_on: [Identity service, Billing], hosts: [A.example, b.example]}
        customers:
          - {name: Contoso, components: [Portal], contacts: [{name: NOC}, {name: Desk}]}
        """,
    )
    load_catalog(path)
    _write(
        tmp_path,
        monkeypatch,
        """
        components:
          - {name: Portal, description: New, depends_on: [Billing], hosts: [a.example]}
        customers:
          - {name: Contoso, reseller: true, contacts: [{name: NOC, email: noc@contoso.example}]}
        """,
    )
    load_catalog(path)
    portal = named("Portal")
    assert portal.description == "New"
    assert [c.name for c in portal.depends_on.all()] == ["Billing"]
    assert [h.host for h in portal.hosts.all()] == ["a.example"]
    contoso = Customer.objects.get(name="Contoso")
    assert contoso.is_reseller
    assert list(contoso.components.all()) == []
    assert list(contoso.contacts.values_list("name", "email")) == [("NOC", "noc@contoso.example")]
    assert named("Identity service")  # not named in the file: left alone


def test_it_may_refer_to_components_already_loaded(provider, tmp_path, monkeypatch):
    path = _write(
        tmp_path, monkeypatch, "customers: [{name: New, components: [Voice API, Network]}]"
    )
    assert load_catalog(path).created == 1
    assert Customer.objects.get(name="New").components.count() == 2


BAD = [
    (
        """
        components:
          - {name: A}
          - {name: B}
          - {name: C}
          - {name: D, depends_on: [Identity servce]}
        """,
        'components[3].depends_on: no component named "Identity servce"',
    ),
    (
        "components: [{name: A, group: Customer service}]",
        'components[0].group: no group named "Customer service"',
    ),
    (
        "components: [{name: A}, {name: B, group: A}]",
        'components[1].group: no group named "A"',
    ),
    (
        "components: [{name: A, depends_on: [A]}]",
        "components[0].depends_on: a component cannot depend on itself",
    ),
    (
        "components: [{name: Voice API}, {name: Voice API}]",
        'components[1].name: "Voice API" appears twice (first at components[0])',
    ),
    (
        "groups: [{name: Network}]\ncomponents: [{name: Network}]",
        'components[0].name: "Network" appears twice (first at groups[0])',
    ),
    (
        "customers: [{name: X, components: [SIP trunking ES]}]",
        'customers[0].components: no component named "SIP trunking ES"',
    ),
    ("components: [{name: A, dependson: [B]}]", "components[0].dependson: unknown field"),
    ("components: [{name: A, public: 'no'}]", "components[0].public: should be a valid boolean"),
    (
        "components: [{name: A, position: -1}]",
        "components[0].position: should be greater than or equal to 0",
    ),
    (
        "components: [{name: A, hosts: [' ']}]",
        "components[0].hosts[0]: string should have at least 1 character",
    ),
    ("customers: [{reseller: true}]", "customers[0].name: required"),
    ("customers: [{name: X, language: fr}]", "customers[0].language: should be 'en' or 'de'"),
    (
        "customers: [{name: X, contacts: [{name: NOC, email: 'noc@'}]}]",
        'customers[0].contacts[0].email: "noc@" is not an e-mail address',
    ),
    (
        "customers: [{name: X, contacts: [{name: NOC}, {name: NOC}]}]",
        'customers[0].contacts[1].name: "NOC" appears twice',
    ),
    ("colours: []", "colours: unknown field"),
    ("- a list", "expected a mapping with groups, components and customers"),
    ("", "expected a mapping with groups, components and customers"),
    (
        "components: [{name: A}\n",
        "not valid YAML at line 2: expected ',' or ']', but got '<stream end>'",
    ),
]


@pytest.mark.parametrize(("text", "problem"), BAD)
def test_it_names_the_file_and_the_entry(db, tmp_path, monkeypatch, text, problem):
    path = _write(tmp_path, monkeypatch, text)
    assert _problems(path) == [f"catalog.yaml: {problem}"]
    assert not Component.objects.exists()
    assert not Customer.objects.exists()


def test_it_reports_every_problem_and_loads_nothing(provider, tmp_path, monkeypatch):
    path = _write(
        tmp_path,
        monkeypatch,
        """
        components:
          - {name: Voice API, description: changed}
          - {name: Fresh, depends_on: [Nowhere]}
        customers:
          - {name: Y, components: [Elsewhere]}
        """,
    )
    assert _problems(path) == [
        'catalog.yaml: components[1].depends_on: no component named "Nowhere"',
        'catalog.yaml: customers[0].components: no component named "Elsewhere"',
    ]
    assert named("Voice API").description != "changed"
    assert not Component.objects.filter(name="Fresh").exists()


def test_it_says_when_the_file_cannot_be_read(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _problems("missing.yaml") == ["missing.yaml: cannot read: No such file or directory"]


def test_it_says_when_the_file_is_not_text(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "catalog.yaml").write_bytes(b"\xff\xfe\x00name")
    assert _problems("catalog.yaml") == ["catalog.yaml: not UTF-8 text"]


def test_it_stores_hosts_in_lower_case_and_addresses_canonically(db, tmp_path, monkeypatch):
    path = _write(
        tmp_path, monkeypatch, "components: [{name: A, hosts: [DC01.Corp, '2001:DB8:0::1']}]"
    )
    load_catalog(path)
    assert sorted(named("A").hosts.values_list("host", flat=True)) == ["2001:db8::1", "dc01.corp"]
