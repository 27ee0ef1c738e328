"""A start-up check of the database server: case-insensitive search must work for every language we ship.

`icontains`, `iexact` and `Lower()` are PostgreSQL's lower()/upper(), whose case mapping comes from the
database's locale. A database made with locale "C" (libc) maps only ASCII letters, so «тест» never finds
«Тест» and a case-insensitive unique index lets «ПАРТНЁРЫ» and «партнёры» both in. The embedded server is
initialised with a Unicode locale; an external one must be too (README, "Database locale").
"""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError, connections

# The question asked of any server (the launcher asks its own too): does lower() fold Cyrillic?
CASE_FOLDING_QUERY = "SELECT lower('ТЕСТ Їжак') = 'тест їжак' AND upper('ґанок') = 'ҐАНОК'"

HINT = ("Create the database with a Unicode locale: on PostgreSQL 17+ `CREATE DATABASE kabinet TEMPLATE template0 "
        "LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8'`, or an ICU locale (LOCALE_PROVIDER icu ICU_LOCALE 'und'), "
        "or a UTF-8 libc locale such as en_US.UTF-8; then restore a dump into it. See README, \"Database locale\".")


def database_folds_case(alias: str = "default") -> bool:
    """Whether the server's lower()/upper() change the case of Cyrillic letters."""
    with connections[alias].cursor() as cursor:
        cursor.execute(CASE_FOLDING_QUERY)
        return bool(cursor.fetchone()[0])


def case_folding_warnings(alias: str = "default") -> list[checks.Warning]:
    try:
        folds = database_folds_case(alias)
    except DatabaseError:
        return []  # an unreachable database is reported by whatever needed it (migrate, /healthz)
    if folds:
        return []
    return [checks.Warning(
        "The database's locale does not change the case of Cyrillic letters (lower('ТЕСТ') stays 'ТЕСТ'): "
        "searches in Russian and Ukrainian are case-sensitive and case-insensitive unique names are not.",
        hint=HINT, id="kabinet.W001")]


@checks.register(checks.Tags.database)
def check_case_folding(app_configs=None, databases=None, **kwargs):
    """Runs where Django runs database checks (`migrate`, `check --database default`); `setup_platform`
    asks it on every start as well."""
    return [warning for alias in databases or () for warning in case_folding_warnings(alias)]
