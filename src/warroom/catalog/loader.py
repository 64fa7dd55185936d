"""Load a catalog from a YAML file: groups, components and customers, by name.

    groups:
      - {name: Customer services, position: 1}
    components:
      - name: Customer portal
        group: Customer services
        depends_on: [Identity service]
        hosts: [sp-fe01.corp.nwtelecom.example, 10.20.1.11]
      - {name: Identity service, public: false, hosts: [dc01.corp.nwtelecom.example]}
    customers:
      - name: Voxbridge
        reseller: true
        language: de
        components: [SIP trunking DE]
        contacts: [{name: NOC, email: noc@voxbridge.example, role: NOC}]

Rows are matched by name, so loading the same file again changes nothing. For every entry in
the file, the file is the truth: its dependencies, hosts, components and contacts are made to
match it. Rows the file does not name are left alone, and names may refer to them. Statuses
are never set here: they change through `actions.set_component_status`, with their history.

Every problem in the file is reported at once, each naming the file and the entry, as in
`catalog.yaml: components[3].depends_on: no component named "Identity servce"`
(entries count from 0). Nothing is saved unless the whole file is good.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pydantic import ValidationError as SchemaError

from warroom.catalog.models import (
    Component,
    ComponentDependency,
    ComponentHost,
    Contact,
    Customer,
    normal_host,
)

__all__ = ["CatalogFileError", "LoadResult", "load_catalog"]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Host = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=253)]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]
Position = Annotated[int, Field(ge=0)]


class CatalogFileError(ValueError):
    """A catalog file that cannot be loaded; `problems` lists every one, file and entry first."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class _Entry(BaseModel):
    # Strict: YAML already gives booleans and numbers their types, and a quoted "no" must not
    # quietly become False.
    model_config = ConfigDict(extra="forbid", strict=True)


class _Group(_Entry):
    name: Name
    description: Text = ""
    position: Position | None = None
    public: bool = True


class _Component(_Entry):
    name: Name
    group: Name | None = None
    description: Text = ""
    public: bool = True
    position: Position | None = None
    showcase: bool = True
    only_show_if_degraded: bool = False
    depends_on: list[Name] = []
    hosts: list[Host] = []


class _Contact(_Entry):
    name: Name
    email: Text = ""
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    role: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""


class _Customer(_Entry):
    name: Name
    reseller: bool = False
    language: Literal["en", "de"] = "en"
    components: list[Name] = []
    contacts: list[_Contact] = []
    notes: Text = ""


class _Catalog(_Entry):
    groups: list[_Group] = []
    components: list[_Component] = []
    customers: list[_Customer] = []


@dataclass(frozen=True)
class LoadResult:
    """How many entries of each kind the file held, and how many rows were new."""

    groups: int
    components: int
    customers: int
    created: int


def load_catalog(path: Path | str) -> LoadResult:
    """Create or update the catalog rows PATH describes; CatalogFileError if it has problems."""
    name = str(path)
    catalog = _parse(name, _read(name, Path(path)))
    with transaction.atomic():
        existing = _existing()
        problems = [f"{name}: {problem}" for problem in _Checker(catalog, existing).problems()]
        if problems:
            raise CatalogFileError(problems)
        return _Writer(catalog).write()


def _read(name: str, path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogFileError([f"{name}: cannot read: {exc.strerror}"]) from None
    except UnicodeDecodeError:
        raise CatalogFileError([f"{name}: not UTF-8 text"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise CatalogFileError([f"{name}: not valid YAML{where}: {problem}"]) from None


def _parse(name: str, data: Any) -> _Catalog:
    if not isinstance(data, dict):
        raise CatalogFileError(
            [f"{name}: expected a mapping with groups, components and customers"]
        )
    try:
        return _Catalog.model_validate(data)
    except SchemaError as exc:
        raise CatalogFileError(
            [f"{name}: {_where(error['loc'])}: {_say(error)}" for error in exc.errors()]
        ) from None


def _where(loc: Iterable[int | str]) -> str:
    """('components', 3, 'depends_on') → 'components[3].depends_on'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.removeprefix(".")


def _say(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown field"
    if error["type"] == "missing":
        return "required"
    message = str(error["msg"]).removeprefix("Input ").removeprefix("Value ")
    return message[:1].lower() + message[1:]


def _existing() -> dict[str, bool]:
    """Names already in the catalog, each with whether it is a group."""
    return dict(Component.objects.values_list("name", "is_group"))


class _Checker:
    """Every problem the schema cannot see: duplicates and names that refer to nothing."""

    def __init__(self, catalog: _Catalog, existing: dict[str, bool]) -> None:
        self.catalog = catalog
        declared = {g.name: True for g in catalog.groups}
        declared |= {c.name: False for c in catalog.components}
        self.groups = {n for n, is_group in (existing | declared).items() if is_group}
        self.components = set(existing) | set(declared)
        self.found: list[str] = []

    def problems(self) -> list[str]:
        entries: list[tuple[str, _Group | _Component | _Customer]]
        entries = [("groups", g) for g in self.catalog.groups]
        entries += [("components", c) for c in self.catalog.components]
        self._unique(entries)
        self._unique([("customers", c) for c in self.catalog.customers])
        for index, component in enumerate(self.catalog.components):
            self._component(f"components[{index}]", component)
        for index, customer in enumerate(self.catalog.customers):
            self._customer(f"customers[{index}]", customer)
        return self.found

    def _unique(self, entries: Sequence[tuple[str, _Group | _Component | _Customer]]) -> None:
        first: dict[str, str] = {}
        counts: dict[str, int] = {}
        for kind, entry in entries:
            where = f"{kind}[{counts.setdefault(kind, 0)}]"
            counts[kind] += 1
            if entry.name in first:
                again = f'"{entry.name}" appears twice (first at {first[entry.name]})'
                self.found.append(f"{where}.name: {again}")
            first.setdefault(entry.name, where)

    def _component(self, where: str, component: _Component) -> None:
        if component.group is not None and component.group not in self.groups:
            self.found.append(f'{where}.group: no group named "{component.group}"')
        for name in component.depends_on:
            if name == component.name:
                self.found.append(f"{where}.depends_on: a component cannot depend on itself")
            elif name not in self.components:
                self.found.append(f'{where}.depends_on: no component named "{name}"')

    def _customer(self, where: str, customer: _Customer) -> None:
        for name in customer.components:
            if name not in self.components:
                self.found.append(f'{where}.components: no component named "{name}"')
        seen: set[str] = set()
        for index, contact in enumerate(customer.contacts):
            at = f"{where}.contacts[{index}]"
            if contact.name in seen:
                self.found.append(f'{at}.name: "{contact.name}" appears twice')
            seen.add(contact.name)
            if contact.email and not _is_email(contact.email):
                self.found.append(f'{at}.email: "{contact.email}" is not an e-mail address')


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except DjangoValidationError:
        return False
    return True


class _Writer:
    """Writes a checked catalog, entry by entry, counting the rows it creates."""

    def __init__(self, catalog: _Catalog) -> None:
        self.catalog = catalog
        self.created = 0
        self.ids: dict[str, int] = {}

    def write(self) -> LoadResult:
        for index, group in enumerate(self.catalog.groups, start=1):
            self._save(group.name, is_group=True, **self._fields(group, index))
        for index, component in enumerate(self.catalog.components, start=1):
            self._save(component.name, is_group=False, **self._fields(component, index))
        self.ids |= dict(Component.objects.values_list("name", "id"))
        for component in self.catalog.components:
            self._links(component)
        for customer in self.catalog.customers:
            self._customer(customer)
        catalog = self.catalog
        return LoadResult(
            len(catalog.groups), len(catalog.components), len(catalog.customers), self.created
        )

    def _fields(self, entry: _Group | _Component, index: int) -> dict[str, Any]:
        fields = entry.model_dump(exclude={"name", "group", "depends_on", "hosts"})
        fields["position"] = index if entry.position is None else entry.position
        return fields

    def _save(self, name: str, **fields: Any) -> None:
        _row, created = Component.objects.update_or_create(name=name, defaults=fields)
        self.created += created

    def _links(self, entry: _Component) -> None:
        """The component's group, dependencies and hosts, made to match the file."""
        pk = self.ids[entry.name]
        group = self.ids[entry.group] if entry.group else None
        Component.objects.filter(pk=pk).update(group_id=group)
        needs = {self.ids[name] for name in entry.depends_on}
        ComponentDependency.objects.filter(component_id=pk).exclude(depends_on__in=needs).delete()
        for depends_on in needs:
            self.created += ComponentDependency.objects.get_or_create(
                component_id=pk, depends_on_id=depends_on
            )[1]
        hosts = {normal_host(host) for host in entry.hosts}
        ComponentHost.objects.filter(component_id=pk).exclude(host__in=hosts).delete()
        for host in sorted(hosts):
            self.created += ComponentHost.objects.get_or_create(component_id=pk, host=host)[1]

    def _customer(self, entry: _Customer) -> None:
        customer, created = Customer.objects.update_or_create(
            name=entry.name,
            defaults={
                "is_reseller": entry.reseller,
                "language": entry.language,
                "notes": entry.notes,
            },
        )
        self.created += created
        customer.components.set([self.ids[name] for name in entry.components])
        names = [contact.name for contact in entry.contacts]
        customer.contacts.exclude(name__in=names).delete()
        for contact in entry.contacts:
            _row, created = Contact.objects.update_or_create(
                customer=customer, name=contact.name, defaults=contact.model_dump(exclude={"name"})
            )
            self.created += created
