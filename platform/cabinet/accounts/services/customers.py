"""Customers' contract and personal-account numbers (one by one or from a CSV file) and customer groups
(members by e-mail, phone or number), which the manage area's customer pages and the discount rules use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from cabinet import csv_io
from cabinet.slugs import unique_slug

from ..identifiers import canonical_identifier
from ..selectors import find_customer

# --- Contract and personal-account numbers of customers ----------------------------------------------

NUMBER_MAX_LENGTH = 40


def _kind_value(raw: str) -> str | None:
    from ..models import AccountNumber

    text = (raw or "").strip().lower()
    if not text:
        return AccountNumber.Kind.CONTRACT
    for value, label in AccountNumber.Kind.choices:
        if text in (value, str(label).lower()):
            return value
    return None


def _number_problem(number: str) -> str | None:
    if not number:
        return _("The number is empty.")
    if len(number) > NUMBER_MAX_LENGTH:
        return _("The number is longer than %(max)s characters.") % {"max": NUMBER_MAX_LENGTH}
    if any(ch.isspace() for ch in number):
        return _("The number must not contain spaces.")
    return None


@transaction.atomic
def attach_account_number(*, contact: str, number: str, kind: str) -> Any:
    """Attaches a contract or personal-account number to the customer with this e-mail or phone.
    ValidationError by field for an unknown customer, a bad number or one taken by someone else."""
    from ..models import AccountNumber

    number = (number or "").strip()
    errors: dict[str, list[str]] = {}
    customer = find_customer(contact)
    if customer is None:
        errors["contact"] = [_("No customer has this e-mail or phone.")]
    problem = _number_problem(number)
    if problem:
        errors["number"] = [problem]
    kind_value = _kind_value(kind)
    if kind_value is None:
        errors["kind"] = [_("Choose contract or personal account.")]
    if not errors:
        holder = AccountNumber.objects.select_related("user").filter(number__iexact=number).first()
        if holder is not None and customer is not None and holder.user_id != customer.pk:
            errors["number"] = [_("This number already belongs to another customer (%(name)s).")
                                % {"name": holder.user.display_name}]
        elif holder is not None:
            errors["number"] = [_("This customer already has this number.")]
    if errors or kind_value is None or customer is None:
        raise ValidationError(errors)
    return AccountNumber.objects.create(user=customer, number=number, kind=kind_value)


def remove_account_number(number_id: int) -> None:
    from ..models import AccountNumber

    deleted, _rows = AccountNumber.objects.filter(pk=number_id).delete()
    if not deleted:
        raise ValidationError(_("This number was already removed."))


# --- Customer groups ---------------------------------------------------------------------------------------

def _group_name(name: Any, exclude_pk: int | None = None) -> str:
    from ..models import CustomerGroup

    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": [_("Name the group.")]})
    if len(name) > 60:
        raise ValidationError({"name": [_("Keep the name under 60 characters.")]})
    same_name = CustomerGroup.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        same_name = same_name.exclude(pk=exclude_pk)
    if same_name.exists():
        raise ValidationError({"name": [_("Another group already has this name.")]})
    return name


def create_customer_group(name: Any) -> Any:
    from ..models import CustomerGroup

    name = _group_name(name)
    try:
        with transaction.atomic():
            key = unique_slug(name, CustomerGroup.objects.all(), field="key", max_length=70, fallback="group")
            return CustomerGroup.objects.create(name=name, key=key)
    except IntegrityError:  # created by someone else a moment ago
        raise ValidationError({"name": [_("Another group already has this name.")]}) from None


def rename_customer_group(group: Any, name: Any) -> Any:
    group.name = _group_name(name, exclude_pk=group.pk)
    group.save(update_fields=["name"])
    return group


def delete_customer_group(group: Any) -> None:
    """Deletes the group and its memberships; rules that named it simply stop applying to anyone."""
    group.delete()


def add_to_customer_group(group: Any, identifier: Any) -> Any:
    """Adds the customer with this e-mail, phone or contract number; returns the customer."""
    customer = find_customer(str(identifier or "").strip()[:200])
    if customer is None:
        raise ValidationError({"customer": [_("No customer has this e-mail, phone or number.")]})
    if group.members.filter(pk=customer.pk).exists():
        raise ValidationError({"customer": [_("%(name)s is already in this group.") % {
            "name": customer.display_name}]})
    group.members.add(customer)
    return customer


def remove_from_customer_group(group: Any, customer_id: Any) -> None:
    try:
        customer_id = int(customer_id)
    except (TypeError, ValueError):
        customer_id = 0
    if not group.members.filter(pk=customer_id).exists():
        raise ValidationError(_("This customer is not in the group."))
    group.members.remove(customer_id)


@dataclass
class ImportReport(csv_io.CsvReport):
    """What an import of numbers found and did."""

    attached: int = 0
    unchanged: int = 0  # the customer already had that number


_COLUMN_NAMES = {"email": "email", "e-mail": "email", "mail": "email", "phone": "phone", "telephone": "phone",
                 "number": "number", "kind": "kind", "type": "kind"}


def import_account_numbers(file: Any, *, apply_valid_rows: bool = False) -> ImportReport:
    """Attaches numbers to customers from a CSV file (columns: email or phone, number, kind optional).
    Every row is checked first. A file with any bad row changes nothing unless `apply_valid_rows` is
    given; then the good rows are attached and the bad ones reported. A row whose customer already has
    the number counts as unchanged."""
    from ..models import AccountNumber

    report = ImportReport()
    rows = csv_io.read_rows(file, report, columns=_COLUMN_NAMES, required=["number"],
                            required_any=[("email", "phone")])
    if rows is None:
        return report
    report.rows = len(rows)
    numbers_in_file = {row.get("number", "").lower() for _line, row in rows if row.get("number")}
    holders = {n.number.lower(): n.user_id for n in AccountNumber.objects.annotate(
        lower_number=Lower("number")).filter(lower_number__in=numbers_in_file)}
    customers = _customers_by_contact([r.get("email") or r.get("phone") or "" for _line, r in rows])
    first_row_of: dict[str, int] = {}
    to_attach: list[tuple[Any, str, str]] = []
    for line, row in rows:
        contact = row.get("email") or row.get("phone") or ""
        number = row.get("number", "")
        value = f"{contact} → {number}" if contact or number else ""
        kind = _kind_value(row.get("kind", ""))
        customer = customers.get(_contact_key(contact)) if contact else None
        number_problem = _number_problem(number)
        problems = [
            _("No e-mail or phone in this row.") if not contact else None,
            _("No customer has this e-mail or phone.") if contact and customer is None else None,
            number_problem,
            _("Unknown kind “%(kind)s”: use “contract” or “account”.") % {"kind": row.get("kind", "")}
            if kind is None else None,
        ]
        if not number_problem and number.lower() in first_row_of:
            problems.append(_("The number is already in row %(row)s of this file.") % {
                "row": first_row_of[number.lower()]})
        elif not number_problem and customer is not None and holders.get(number.lower()) not in (None, customer.pk):
            problems.append(_("The number already belongs to another customer."))
        if not report.check_row(line, value, problems):
            continue
        assert customer is not None and kind is not None  # check_row found no problem
        first_row_of.setdefault(number.lower(), line)  # a later row with the same number is the duplicate
        if holders.get(number.lower()) == customer.pk:
            report.unchanged += 1
        else:
            to_attach.append((customer, number, kind))
    if report.row_errors and not apply_valid_rows:
        return report
    with transaction.atomic():
        AccountNumber.objects.bulk_create([AccountNumber(user=c, number=n, kind=k) for c, n, k in to_attach])
    report.attached = len(to_attach)
    report.applied = True
    return report


def _contact_key(contact: str) -> str:
    contact = (contact or "").strip()
    return canonical_identifier(contact)


def _customers_by_contact(contacts: list[str]) -> dict[str, Any]:
    User = get_user_model()
    keys = {_contact_key(c) for c in contacts if c and c.strip()}
    emails = [k for k in keys if "@" in k]
    phones = [k for k in keys if "@" not in k]
    found: dict[str, Any] = {}
    people = (User.objects.filter(role=User.Role.CUSTOMER).annotate(lower_email=Lower("email"))
              .filter(Q(lower_email__in=emails) | Q(phone__in=phones)))
    for person in people:
        if person.email and person.email.lower() in keys:
            found[person.email.lower()] = person
        if person.phone and person.phone in keys:
            found[person.phone] = person
    return found
