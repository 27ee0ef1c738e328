""""Export my data": the JSON of everything kept about the person and, when modules keep files of theirs
(support attachments, documents), a zip of that JSON and those files."""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from . import selectors
from .models import User

JSON_NAME = "my-data.json"
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def _safe(name: str) -> str:
    """A path inside the archive without ways out of it ("..", absolute paths, odd characters)."""
    parts = [_UNSAFE.sub("_", part).strip(" .") or "_" for part in name.replace("\\", "/").split("/") if part]
    return "/".join(part for part in parts if part not in ("..", "."))


def export(user: User) -> tuple[bytes | IO[bytes], str, str]:
    """(content, file name, content type) of the person's export: JSON alone when no module keeps a file of
    theirs, else a zip of the JSON and files/<module>/<name>. The JSON lists the files under "files"."""
    data: dict[str, Any] = selectors.personal_data(user)
    data["exported_at"] = timezone.now().isoformat()
    files = [(_safe(name), stored) for name, stored in selectors.personal_files(user)]
    if not files:
        return (json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode(), JSON_NAME,
                "application/json; charset=utf-8")
    archive = tempfile.SpooledTemporaryFile(max_size=32 << 20)
    listed = []
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, stored in files:
            try:
                with stored.open("rb") as source, zipped.open(name, "w", force_zip64=True) as target:
                    while chunk := source.read(1 << 16):
                        target.write(chunk)
                listed.append({"name": name, "size": stored.size})
            except (FileNotFoundError, OSError):  # a file lost from storage: said in the JSON, not a 500
                listed.append({"name": name, "missing": True})
        data["files"] = listed
        zipped.writestr(JSON_NAME, json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
    archive.seek(0)
    return archive, "my-data.zip", "application/zip"
