"""CSV import of revenue events and contracts (admin), built like the training import: a preview
of every row, bad rows reported with their line number and skipped, nothing saved until the
import is confirmed, and a row identical to what is stored changes nothing (reruns are harmless).

Spreadsheet exports vary, so the reader accepts a comma or a semicolon as separator (whichever
the header line uses), UTF-8 with or without a BOM, ISO dates (2026-03-31) or day-first dates
(31/03/2026, 31.03.2026, 31-03-2026), and amounts with a decimal point or comma (1234.50,
1 234,50). Writes go through the same services as the screens (revenue_event_record,
contract_create), oldest first, each row in its own savepoint.
"""

import csv
import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import User
from clients.models import ChurnReason, Client, Contract, RevenueEvent
from clients.revenue_services import contract_create
from clients.services import revenue_event_record
from core.weeks import today

MAX_IMPORT_BYTES = 2 * 1024 * 1024
DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
TRUE_WORDS = {"1", "true", "yes", "y", "oui", "да"}
FALSE_WORDS = {"0", "false", "no", "n", "non", "нет", ""}

EVENT_ALIASES = {
    "client": "client", "client_name": "client", "customer": "client", "account": "client",
    "client_id": "client_id",
    "kind": "kind", "type": "kind", "event": "kind",
    "amount": "amount", "mrr_change": "amount", "mrr": "amount", "value": "amount", "montant": "amount",
    "сумма": "amount", "klient": "client", "клиент": "client", "дата": "date", "тип": "kind",
    "date": "date", "occurred_on": "date", "day": "date",
    "note": "note", "comment": "note", "description": "note",
    "churn_reason": "churn_reason", "reason": "churn_reason",
}  # fmt: skip
CONTRACT_ALIASES = {
    "client": "client", "client_name": "client", "customer": "client", "account": "client",
    "client_id": "client_id",
    "start": "starts_on", "starts_on": "starts_on", "start_date": "starts_on",
    "renewal_date": "renews_on", "renews_on": "renews_on", "end": "renews_on", "end_date": "renews_on",
    "committed_mrr": "committed_mrr", "mrr": "committed_mrr", "amount": "committed_mrr",
    "notice_days": "notice_days", "notice": "notice_days", "notice_period": "notice_days",
    "notice_period_days": "notice_days",
    "auto_renew": "auto_renew", "autorenew": "auto_renew", "auto_renewal": "auto_renew",
}  # fmt: skip


@dataclass
class Row:
    line: int
    client_text: str
    values: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    client: Client | None = None
    action: str = "error"  # create, update, unchanged, error
    existing: object = None


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    separator: str = ","
    applied: bool = False

    @property
    def counts(self) -> Counter:
        return Counter(row.action for row in self.rows)

    @property
    def bad_rows(self) -> list[Row]:
        return [row for row in self.rows if row.action == "error"]

    @property
    def changes(self) -> int:
        return self.counts["create"] + self.counts["update"]


def decode_upload(data: bytes) -> str:
    """The upload as text (UTF-8, with or without BOM); ValueError when it is not."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ValueError(_("The file is larger than 2 MB; split it into smaller files."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(_("The file is not UTF-8 text; save it from the spreadsheet as “CSV UTF-8”.")) from error


def separator_of(text: str) -> str:
    """The header line's separator: a semicolon when it has more of those than commas."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def parse_date(value: str) -> dt.date | None:
    """ISO (2026-03-31, or a date-time) or day-first (31/03/2026, 31.03.2026, 31-03-2026)."""
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", value):
            return dt.date.fromisoformat(value[:10])
        if match := DAY_FIRST.fullmatch(value):
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def parse_amount(value: str) -> Decimal | None:
    """1234.50, 1234,50, 1 234,50, 1,234.50 → Decimal; None when it is not a number ≥ 0."""
    text = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in text and "." in text:
        text = text.replace(",", "") if text.rfind(".") > text.rfind(",") else text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount.quantize(Decimal("0.01"))


def _read(text: str, aliases: dict, required: tuple[tuple[str, str], ...], report: Report) -> list[Row]:
    report.separator = separator_of(text)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=report.separator)
    header = next(reader, None)
    if not header:
        report.file_errors.append(_("The file is empty."))
        return []
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = aliases.get(name.strip().lower().replace(" ", "_").replace("-", "_"))
        if key and key not in columns:
            columns[key] = index
    if "client" not in columns and "client_id" not in columns:
        report.file_errors.append(_("Line 1: a “client” (name) or “client_id” column is required."))
    for name, label in required:
        if name not in columns:
            report.file_errors.append(_("Line 1: the “%(column)s” column is missing.") % {"column": label})
    if report.file_errors:
        return []
    rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        cells = {name: (values[i].strip() if i < len(values) else "") for name, i in columns.items()}
        rows.append(Row(reader.line_num, cells.get("client") or cells.get("client_id", ""), cells))
    if not rows:
        report.file_errors.append(_("The file has a header but no rows."))
    return rows


def _match_clients(rows: list[Row]) -> None:
    """Find each row's client by id or by name (case-insensitive; two clients of one name is an error)."""
    names = {r.values.get("client", "").lower() for r in rows if r.values.get("client")}
    ids = {int(r.values["client_id"]) for r in rows if r.values.get("client_id", "").isdigit()}
    by_name: dict[str, list[Client]] = {}
    for client in Client.objects.annotate(key=Lower("name")).filter(key__in=names):
        by_name.setdefault(client.key, []).append(client)
    by_id = {c.pk: c for c in Client.objects.filter(pk__in=ids)}
    for row in rows:
        if row.values.get("client_id"):
            text = row.values["client_id"]
            row.client = by_id.get(int(text)) if text.isdigit() else None
            if row.client is None:
                row.errors.append(_("No client has the id “%(id)s”.") % {"id": text})
            continue
        matches = by_name.get(row.values.get("client", "").lower(), [])
        if len(matches) == 1:
            row.client = matches[0]
        elif matches:
            row.errors.append(
                _("Two clients are called “%(name)s”; use a client_id column.") % {"name": row.client_text}
            )
        else:
            row.errors.append(_("No client is called “%(name)s”.") % {"name": row.client_text})


def _date(row: Row, name: str, label: str, required: bool = True) -> dt.date | None:
    value = row.values.get(name, "")
    if not value:
        if required:
            row.errors.append(_("%(label)s is empty.") % {"label": label})
        return None
    day = parse_date(value)
    if day is None:
        row.errors.append(
            _("%(label)s “%(value)s” is not a date like 2026-03-31 or 31/03/2026.") % {"label": label, "value": value}
        )
    return day


def _choice(text: str, choices) -> str | None:
    key = text.strip().lower()
    for value, label in choices:
        if key in (value, str(label).lower()):
            return value
    return None


# --- revenue events -----------------------------------------------------------------------------


def _event_row(row: Row) -> None:
    kind = _choice(row.values.get("kind", ""), RevenueEvent.Kind.choices)
    if kind is None:
        row.errors.append(
            _("Kind “%(value)s” should be new, expansion, contraction or churn.")
            % {"value": row.values.get("kind", "")}
        )
    day = _date(row, "date", _("Date"))
    if day and day > today():
        row.errors.append(_("Date %(day)s is in the future.") % {"day": day})
    amount = parse_amount(row.values.get("amount", "")) if row.values.get("amount") else None
    if row.values.get("amount") and amount is None:
        row.errors.append(
            _("Amount “%(value)s” is not a number like 1234.50 or 1234,50.") % {"value": row.values["amount"]}
        )
    elif kind and kind != "churn" and not amount:
        row.errors.append(_("Amount is empty; a %(kind)s needs its MRR change.") % {"kind": kind})
    reason = ""
    if kind == "churn":
        reason = _choice(row.values.get("churn_reason", ""), ChurnReason.choices) or ""
        if not reason:
            row.errors.append(
                _("A churn needs its churn reason (%(codes)s).") % {"codes": ", ".join(ChurnReason.values)}
            )
    row.values.update(kind_code=kind, day=day, amount_value=amount, reason=reason)


def revenue_events_preview(*, text: str) -> Report:
    report = Report()
    rows = _read(text, EVENT_ALIASES, (("kind", "kind"), ("date", "date")), report)
    if report.file_errors:
        return report
    _match_clients(rows)
    for row in rows:
        _event_row(row)
    stored = set()
    ids = {r.client.pk for r in rows if r.client}
    for client_id, kind, on, amount in RevenueEvent.objects.filter(client_id__in=ids).values_list(
        "client_id", "kind", "occurred_on", "amount"
    ):
        stored.add((client_id, kind, on, None if kind == "churn" else amount))
    first: dict[tuple, int] = {}
    for row in rows:
        if row.errors:
            continue
        v = row.values
        key = (row.client.pk, v["kind_code"], v["day"], None if v["kind_code"] == "churn" else v["amount_value"])
        if key in first:
            row.errors.append(_("Same client, kind, date and amount as line %(line)s.") % {"line": first[key]})
            continue
        first[key] = row.line
        if key in stored:
            row.action = "unchanged"
        elif not row.client.is_active:
            row.errors.append(_("%(client)s has churned; no further revenue events.") % {"client": row.client})
        else:
            row.action = "create"
    report.rows = rows
    return report


@transaction.atomic
def revenue_events_import(*, text: str, by: User | None) -> Report:
    """Write the new rows oldest first, each through revenue_event_record in its own savepoint."""
    report = revenue_events_preview(text=text)
    for row in sorted((r for r in report.rows if r.action == "create"), key=lambda r: (r.values["day"], r.line)):
        v = row.values
        try:
            with transaction.atomic():
                revenue_event_record(
                    client=row.client,
                    kind=v["kind_code"],
                    amount=v["amount_value"] or Decimal("0"),
                    occurred_on=v["day"],
                    note=v.get("note", "")[:300],
                    churn_reason=v["reason"],
                    by=by,
                )
        except ValidationError as error:
            row.action = "error"
            row.errors.extend(error.messages)
    report.applied = True
    return report


# --- contracts ----------------------------------------------------------------------------------


def _contract_row(row: Row) -> None:
    start = _date(row, "starts_on", _("Start"))
    end = _date(row, "renews_on", _("Renewal date"))
    if start and end and end <= start:
        row.errors.append(_("The renewal date must come after the start."))
    mrr = parse_amount(row.values.get("committed_mrr", ""))
    if mrr is None:
        row.errors.append(
            _("Committed MRR “%(value)s” is not a number.") % {"value": row.values.get("committed_mrr", "")}
        )
    notice_text = row.values.get("notice_days", "") or "30"
    notice = int(notice_text) if notice_text.isdigit() and int(notice_text) <= 365 else None
    if notice is None:
        row.errors.append(_("Notice “%(value)s” should be whole days from 0 to 365.") % {"value": notice_text})
    auto = row.values.get("auto_renew", "").lower()
    if auto not in TRUE_WORDS | FALSE_WORDS:
        row.errors.append(_("Auto-renew “%(value)s” should be yes or no.") % {"value": auto})
    row.values.update(start=start, end=end, mrr=mrr, notice=notice, auto=auto in TRUE_WORDS)


def contracts_preview(*, text: str) -> Report:
    report = Report()
    required = (("starts_on", "start"), ("renews_on", "renewal_date"), ("committed_mrr", "committed_mrr"))
    rows = _read(text, CONTRACT_ALIASES, required, report)
    if report.file_errors:
        return report
    _match_clients(rows)
    for row in rows:
        _contract_row(row)
    ids = {r.client.pk for r in rows if r.client}
    stored = {(c.client_id, c.starts_on): c for c in Contract.objects.filter(client_id__in=ids)}
    first: dict[tuple, int] = {}
    for row in rows:
        if row.errors:
            continue
        v = row.values
        key = (row.client.pk, v["start"])
        if key in first:
            row.errors.append(_("Same client and start as line %(line)s.") % {"line": first[key]})
            continue
        first[key] = row.line
        existing = stored.get(key)
        if existing is None:
            row.action = "create"
        elif (existing.renews_on, existing.committed_mrr, existing.notice_days, existing.auto_renew) == (
            v["end"],
            v["mrr"],
            v["notice"],
            v["auto"],
        ):
            row.action = "unchanged"
        elif existing.outcome:
            row.errors.append(_("This contract's renewal is already recorded; it cannot change."))
        else:
            row.action, row.existing = "update", existing
    report.rows = rows
    return report


@transaction.atomic
def contracts_import(*, text: str, by: User | None) -> Report:
    report = contracts_preview(text=text)
    for row in sorted(
        (r for r in report.rows if r.action in ("create", "update")), key=lambda r: (r.values["start"], r.line)
    ):
        v = row.values
        try:
            with transaction.atomic():
                if row.action == "create":
                    contract_create(client=row.client, starts_on=v["start"], renews_on=v["end"], committed_mrr=v["mrr"],
                                    notice_days=v["notice"], auto_renew=v["auto"], by=by)  # fmt: skip
                else:
                    c = row.existing
                    c.renews_on, c.committed_mrr, c.notice_days, c.auto_renew = (
                        v["end"],
                        v["mrr"],
                        v["notice"],
                        v["auto"],
                    )
                    c.full_clean()
                    c.save()
        except ValidationError as error:
            row.action = "error"
            row.errors.extend(error.messages)
    report.applied = True
    return report
