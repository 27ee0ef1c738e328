"""Reading and writing the CSV files of the manage area (every module's imports), with a per-row report.

`read_rows` is generic (any set of columns): it checks size, encoding and the header, guesses the
delimiter (; , or tab) and hands back (line, {column: value}) pairs; problems go into the report. An import
checks each row for every problem it has and hands the list to `CsvReport.check_row`, so the report names
them all."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class RowError:
    """A wrong row and every problem found in it (so the file is fixed in one go, not one problem per try)."""

    row: int  # line of the file, the header being line 1
    value: str
    reasons: list[str]

    @property
    def reason(self) -> str:
        return " ".join(self.reasons)


@dataclass
class CsvReport:
    rows: int = 0
    valid_rows: int = 0
    created: int = 0
    updated: int = 0
    applied: bool = False
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.row_errors

    def check_row(self, row: int, value: str, problems: Iterable[Any]) -> bool:
        """Records a row's problems (falsy ones are skipped, duplicates kept once, in order); True when it
        has none and counts as valid."""
        reasons = list(dict.fromkeys(str(problem) for problem in problems if problem))
        if reasons:
            self.row_errors.append(RowError(row=row, value=value, reasons=reasons))
            return False
        self.valid_rows += 1
        return True


def read_rows(file: Any, report: CsvReport, *, columns: dict[str, str], required: Iterable[str],
              required_any: Iterable[tuple[str, ...]] = (), max_bytes: int = MAX_IMPORT_BYTES,
              max_rows: int = MAX_IMPORT_ROWS) -> list[tuple[int, dict[str, str]]] | None:
    """`columns` maps accepted header names (lower case) to column keys; `required` are keys the header
    must name, and of each group in `required_any` it must name at least one (e.g. e-mail or phone).
    Returns None (with file errors in the report) when the file cannot be read as a whole."""
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        report.file_errors.append(_("The file is too large (%(size)s KB); the limit is %(limit)s KB.") % {
            "size": size // 1024, "limit": max_bytes // 1024})
        return None
    raw = file.read(max_bytes + 1)
    if len(raw) > max_bytes:
        report.file_errors.append(_("The file is too large; the limit is %(limit)s KB.") % {"limit": max_bytes // 1024})
        return None
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        report.file_errors.append(_("The file is not in UTF-8. Save it as “CSV UTF-8” and upload again."))
        return None
    if not text.strip():
        report.file_errors.append(_("The file is empty."))
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        keys = [columns.get(name.strip().lower()) for name in header]
        missing = [key for key in required if key not in keys] + [
            " / ".join(group) for group in required_any if not set(group) & set(keys)]
        if missing:
            report.file_errors.append(_("The first line must name the columns %(expected)s. Missing: %(missing)s.") % {
                "expected": ", ".join(f"“{c}”" for c in dict.fromkeys(columns.values())),
                "missing": ", ".join(f"“{m}”" for m in missing)})
            return None
        rows: list[tuple[int, dict[str, str]]] = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= max_rows:
                report.file_errors.append(_("The file has more than %(max)s rows. Split it into smaller files.")
                                          % {"max": max_rows})
                return None
            rows.append((reader.line_num, {key: value.strip() for key, value in zip(keys, values, strict=False)
                                           if key}))
    except csv.Error as exc:
        report.file_errors.append(_("The file is not a readable CSV file (%(error)s).") % {"error": exc})
        return None
    return rows


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def write_csv(header: list[str], rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
