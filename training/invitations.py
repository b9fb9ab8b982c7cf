"""Reading a CSV file of people to invite: columns, each row checked, a plan.

``invitation_plan`` reads the file a manager uploads (email, full name, job role)
and says per row what confirming would do, or what is wrong with it, without saving
anything: the dry run. ``training.services.invitations_create`` saves the rows the
plan marks as new, so confirming the same file twice invites nobody twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from .models import Invitation, JobRole, MembershipStatus, Organisation, User
from .spreadsheets import looks_like_formula

MAX_ROWS = 10_000
MAX_BYTES = 2 * 1024 * 1024
COLUMNS = {
    "email": {"email", "email address", "e-mail"},
    "full_name": {"full name", "full_name", "name"},
    "job_role": {"job role", "job_role", "role"},
}
ROLE_BY_TEXT = {
    **{value: value for value in JobRole.values},
    **{label.lower(): value for value, label in JobRole.choices},
}


class CsvError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


class RowAction:
    INVITE = "invite"
    SKIP = "skip"
    ERROR = "error"


@dataclass
class PlanRow:
    number: int  # as a spreadsheet numbers it: the header is row 1
    email: str
    full_name: str
    job_role: str
    action: str = RowAction.INVITE
    messages: list[str] = field(default_factory=list)

    @property
    def job_role_label(self) -> str:
        return JobRole(self.job_role).label if self.job_role in JobRole.values else ""


@dataclass
class Plan:
    rows: list[PlanRow]

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def to_invite(self) -> list[PlanRow]:
        return [row for row in self.rows if row.action == RowAction.INVITE]

    @property
    def errors(self) -> int:
        return self.count(RowAction.ERROR)

    @property
    def skipped(self) -> int:
        return self.count(RowAction.SKIP)


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise CsvError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. Split it into "
            "smaller files."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CsvError(
        "The file could not be read as text. Save it from your spreadsheet as "
        "“CSV UTF-8” and upload it again."
    )


def _header_map(header: list[str]) -> dict[str, int]:
    found = {}
    for index, name in enumerate(header):
        key = " ".join(name.strip().lower().split())
        for column, names in COLUMNS.items():
            if key in names and column not in found:
                found[column] = index
    missing = [c for c in ("email", "full_name") if c not in found]
    if missing:
        shown = ", ".join(f"“{h.strip()}”" for h in header if h.strip()) or "none"
        raise CsvError(
            "The first row must name the columns “email”, “full name” and "
            f"(optionally) “job role”. This file's columns are: {shown}."
        )
    return found


def read_rows(data: bytes) -> list[PlanRow]:
    """The rows of the file, each with what is wrong with its cells (if anything)."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise CsvError("The file is empty.") from None
    except csv.Error as error:
        raise CsvError(f"The file is not valid CSV: {error}.") from None
    columns = _header_map(header)
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise CsvError(
                    f"The file has more than {MAX_ROWS:,} people. Split it into "
                    "smaller files."
                )
            rows.append(_row(number, cells, columns))
    except csv.Error as error:
        raise CsvError(
            f"The file is not valid CSV near row {number}: {error}."
        ) from None
    if not rows:
        raise CsvError("The file has a header row but no people in it.")
    return rows


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return " ".join(cells[index].split())


def _row(number: int, cells: list[str], columns: dict[str, int]) -> PlanRow:
    email = _cell(cells, columns.get("email")).lower()
    name = _cell(cells, columns.get("full_name"))
    role_text = _cell(cells, columns.get("job_role"))
    row = PlanRow(number=number, email=email, full_name=name, job_role=JobRole.OTHER)
    for label, value in (
        ("email", email),
        ("full name", name),
        ("job role", role_text),
    ):
        if looks_like_formula(value):
            row.messages.append(
                f"The {label} starts with “{value[:1]}”, which spreadsheets run as a "
                "formula. Remove it and upload again."
            )
    if not email:
        row.messages.append("The email address is missing.")
    elif not row.messages:
        try:
            validate_email(email)
        except ValidationError:
            row.messages.append(f"“{email[:80]}” is not an email address.")
    if not name:
        row.messages.append("The full name is missing.")
    elif len(name) > 150:
        row.messages.append("The full name is longer than 150 characters.")
    if role_text:
        role = ROLE_BY_TEXT.get(role_text.lower())
        if role is None and not looks_like_formula(role_text):
            choices = ", ".join(label for _, label in JobRole.choices)
            row.messages.append(
                f"“{role_text[:40]}” is not a job role. Use one of: {choices}."
            )
        row.job_role = role or JobRole.OTHER
    if row.messages:
        row.action = RowAction.ERROR
    return row


def invitation_plan(*, organisation: Organisation, data: bytes) -> Plan:
    """The dry run: what confirming this file would do, row by row. Saves nothing.

    Raises ``CsvError`` when the file as a whole cannot be used."""
    rows = read_rows(data)
    emails = {row.email for row in rows if row.action != RowAction.ERROR}
    invited = set(
        Invitation.objects.filter(organisation=organisation)
        .annotate(e=Lower("email"))
        .filter(e__in=emails)
        .values_list("e", flat=True)
    )
    members = set(
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__status=MembershipStatus.ACTIVE,
        )
        .annotate(e=Lower("email"))
        .filter(e__in=emails)
        .values_list("e", flat=True)
    )
    first_row: dict[str, int] = {}
    for row in rows:
        if row.action == RowAction.ERROR:
            continue
        if row.email in first_row:
            row.action = RowAction.SKIP
            row.messages.append(f"Same email address as row {first_row[row.email]}.")
        elif row.email in members:
            row.action = RowAction.SKIP
            row.messages.append("Already in your organisation.")
        elif row.email in invited:
            row.action = RowAction.SKIP
            row.messages.append("Already invited.")
        first_row.setdefault(row.email, row.number)
    return Plan(rows=rows)
