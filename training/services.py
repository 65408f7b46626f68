"""Writes: the bulk import of training results from an LMS export (CSV).

`training_results_preview` validates every row and says what importing would do; `training_results_import`
re-validates the same text and writes the good rows in one transaction. Bad rows are reported with
their line number and skipped; a row identical to what is stored changes nothing, so importing the
same file twice is harmless.
"""

import csv
import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from accounts.models import User
from core.weeks import today
from training.models import TrainingModule, TrainingResult

MAX_IMPORT_BYTES = 2 * 1024 * 1024

# Header spellings seen in LMS exports → our column names.
HEADER_ALIASES = {
    "username": "username", "user": "username", "login": "username",
    "email": "email", "e_mail": "email", "email_address": "email",
    "module": "module", "module_title": "module", "title": "module", "course": "module", "training": "module",
    "version": "version", "module_version": "version",
    "completed": "completed_on", "completed_on": "completed_on", "completed_date": "completed_on",
    "completion_date": "completed_on", "date": "completed_on",
    "score": "score", "test_score": "score", "result": "score",
    "passed": "passed", "pass": "passed",
}  # fmt: skip
TRUE_WORDS = {"1", "true", "yes", "y", "passed", "pass"}
FALSE_WORDS = {"0", "false", "no", "n", "failed", "fail"}


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class ImportRow:
    line: int
    person: str
    module_title: str
    errors: list[str] = field(default_factory=list)
    user: User | None = None
    module: TrainingModule | None = None
    version: int | None = None
    completed_on: dt.date | None = None
    score: Decimal | None = None
    passed: bool | None = None
    action: Action = Action.ERROR
    existing: TrainingResult | None = None

    @property
    def key(self) -> tuple[int, int, int] | None:
        if self.user is None or self.module is None or self.version is None:
            return None
        return (self.user.pk, self.module.pk, self.version)


@dataclass
class ImportReport:
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def counts(self) -> Counter:
        return Counter(row.action for row in self.rows)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == Action.ERROR]

    @property
    def changes(self) -> int:
        return self.counts[Action.CREATE] + self.counts[Action.UPDATE]


def decode_upload(data: bytes) -> str:
    """The upload as text (UTF-8, with or without BOM); ValueError when it is not text."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ValueError(_("The file is larger than 2 MB; split it into smaller files."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValueError(_("The file is not UTF-8 text; export it from the LMS as UTF-8 CSV.")) from error


def training_results_preview(*, text: str) -> ImportReport:
    """What importing `text` would do, row by row, without writing anything."""
    report = ImportReport()
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = _columns(header, report)
    if report.file_errors:
        return report
    raw_rows = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        raw_rows.append((reader.line_num, {name: _cell(values, i) for name, i in columns.items()}))
    if not raw_rows:
        report.file_errors.append(_("The file has a header but no rows."))
        return report
    report.rows = _validate(raw_rows)
    return report


@transaction.atomic
def training_results_import(*, text: str) -> ImportReport:
    """Write the good rows of `text` in one transaction; bad rows are skipped and reported."""
    report = training_results_preview(text=text)
    if report.file_errors:
        return report
    new = [r for r in report.rows if r.action == Action.CREATE]
    TrainingResult.objects.bulk_create(
        TrainingResult(
            user=r.user, module=r.module, version=r.version, completed_on=r.completed_on, score=r.score, passed=r.passed
        )
        for r in new
    )
    changed = []
    for row in report.rows:
        if row.action == Action.UPDATE:
            row.existing.completed_on, row.existing.score, row.existing.passed = row.completed_on, row.score, row.passed
            changed.append(row.existing)
    TrainingResult.objects.bulk_update(changed, ["completed_on", "score", "passed"])
    report.applied = True
    return report


# --- parsing ---------------------------------------------------------------------------------


def _columns(header: list[str] | None, report: ImportReport) -> dict[str, int]:
    if not header:
        report.file_errors.append(_("The file is empty."))
        return {}
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = HEADER_ALIASES.get(name.strip().lower().replace(" ", "_").replace("-", "_"))
        if key and key not in columns:
            columns[key] = index
    if "username" not in columns and "email" not in columns:
        report.file_errors.append(_("Line 1: a “username” or “email” column is required."))
    for required, label in (("module", "module"), ("completed_on", "completed"), ("score", "score")):
        if required not in columns:
            report.file_errors.append(_("Line 1: the “%(column)s” column is missing.") % {"column": label})
    return columns


def _cell(values: list[str], index: int) -> str:
    return values[index].strip() if index < len(values) else ""


def _validate(raw_rows: list[tuple[int, dict[str, str]]]) -> list[ImportRow]:
    users = _users_by_login(raw_rows)
    modules = _modules_by_title()
    rows = []
    for line, values in raw_rows:
        person = values.get("username") or values.get("email") or ""
        row = ImportRow(line=line, person=person, module_title=values.get("module", ""))
        row.user = _lookup_user(row, values, users)
        row.module = _lookup_module(row, modules)
        row.completed_on = _parse_date(row, values.get("completed_on", ""))
        row.score = _parse_score(row, values.get("score", ""))
        if row.module is not None:
            row.version = _parse_version(row, values.get("version", ""), row.module)
            row.passed = _parse_passed(row, values.get("passed", ""), row.module)
        rows.append(row)
    _decide_actions(rows)
    return rows


def _users_by_login(raw_rows) -> dict[str, list[User]]:
    """Everyone the rows name, keyed "username:…" and "email:…", case-insensitively (one query)."""
    names = {v["username"].lower() for _, v in raw_rows if v.get("username")}
    emails = {v["email"].lower() for _, v in raw_rows if v.get("email") and not v.get("username")}
    if not names and not emails:
        return {}
    found: dict[str, list[User]] = {}
    people = User.objects.annotate(login=Lower("username"), mail=Lower("email"))
    for user in people.filter(Q(login__in=names) | Q(mail__in=emails)):
        found.setdefault(f"username:{user.login}", []).append(user)
        found.setdefault(f"email:{user.mail}", []).append(user)
    return found


def _lookup_user(row: ImportRow, values: dict[str, str], users: dict[str, list[User]]) -> User | None:
    if values.get("username"):
        key, label = f"username:{values['username'].lower()}", values["username"]
    elif values.get("email"):
        key, label = f"email:{values['email'].lower()}", values["email"]
    else:
        row.errors.append(_("No username or email."))
        return None
    matches = users.get(key, [])
    if len(matches) > 1:
        row.errors.append(_("“%(who)s” matches several people; use the username.") % {"who": label})
        return None
    if not matches:
        row.errors.append(_("No person “%(who)s”.") % {"who": label})
        return None
    return matches[0]


def _modules_by_title() -> dict[str, list[TrainingModule]]:
    modules: dict[str, list[TrainingModule]] = {}
    for module in TrainingModule.objects.all():
        modules.setdefault(module.title.strip().lower(), []).append(module)
    return modules


def _lookup_module(row: ImportRow, modules: dict[str, list[TrainingModule]]) -> TrainingModule | None:
    if not row.module_title:
        row.errors.append(_("No module title."))
        return None
    matches = modules.get(row.module_title.lower(), [])
    if len(matches) > 1:
        row.errors.append(_("Several modules are called “%(title)s”.") % {"title": row.module_title})
        return None
    if not matches:
        row.errors.append(_("No module “%(title)s”.") % {"title": row.module_title})
        return None
    return matches[0]


def _parse_date(row: ImportRow, value: str) -> dt.date | None:
    try:
        # ISO dates, or ISO date-times as some LMS exports write them: the date part counts.
        day = dt.date.fromisoformat(value[:10]) if len(value) == 10 or value[10:11] in ("T", " ") else None
    except ValueError:
        day = None
    if day is None:
        row.errors.append(_("Completed date “%(value)s” is not a date like 2026-03-31.") % {"value": value})
        return None
    if day > today():
        row.errors.append(_("Completed date %(value)s is in the future.") % {"value": value})
        return None
    return day


def _parse_score(row: ImportRow, value: str) -> Decimal | None:
    text = value.removesuffix("%").strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        score = Decimal(text)
    except InvalidOperation:
        row.errors.append(_("Score “%(value)s” is not a number.") % {"value": value})
        return None
    if not score.is_finite() or not Decimal(0) <= score <= Decimal(100):
        row.errors.append(_("Score %(value)s is not between 0 and 100.") % {"value": value})
        return None
    if score != score.quantize(Decimal("0.01")):
        row.errors.append(_("Score %(value)s has more than two decimals.") % {"value": value})
        return None
    return score.quantize(Decimal("0.01"))


def _parse_version(row: ImportRow, value: str, module: TrainingModule) -> int | None:
    if not value:
        return module.version
    try:
        version = int(value.lower().removeprefix("v"))
    except ValueError:
        version = 0
    if version < 1:
        row.errors.append(_("Version “%(value)s” is not a whole number from 1.") % {"value": value})
        return None
    if version > module.version:
        row.errors.append(
            _("Version %(value)s does not exist: “%(title)s” is at version %(current)s.")
            % {"value": version, "title": module.title, "current": module.version}
        )
        return None
    return version


def _parse_passed(row: ImportRow, value: str, module: TrainingModule) -> bool | None:
    word = value.lower()
    if not word:
        return None if row.score is None else row.score >= module.passing_score
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    row.errors.append(_("Passed “%(value)s” should be yes or no (or left blank).") % {"value": value})
    return None


def _decide_actions(rows: list[ImportRow]) -> None:
    """Mark duplicates within the file, then compare each good row with what is stored (one query)."""
    first_line: dict[tuple[int, int, int], int] = {}
    for row in rows:
        if row.errors or row.key is None:
            continue
        if row.key in first_line:
            row.errors.append(_("Same person, module and version as line %(line)s.") % {"line": first_line[row.key]})
            continue
        first_line[row.key] = row.line
    stored = _stored_results([row for row in rows if not row.errors])
    for row in rows:
        if row.errors:
            row.action = Action.ERROR
            continue
        row.existing = stored.get(row.key)
        if row.existing is None:
            row.action = Action.CREATE
        elif (row.existing.completed_on, row.existing.score, row.existing.passed) == (
            row.completed_on,
            row.score,
            row.passed,
        ):
            row.action = Action.UNCHANGED
        else:
            row.action = Action.UPDATE


def _stored_results(rows: list[ImportRow]) -> dict[tuple[int, int, int], TrainingResult]:
    if not rows:
        return {}
    results = TrainingResult.objects.filter(
        user_id__in={r.user.pk for r in rows}, module_id__in={r.module.pk for r in rows}
    )
    return {(r.user_id, r.module_id, r.version): r for r in results}
