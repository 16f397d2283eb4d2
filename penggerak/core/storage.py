"""Private storage for uploaded files and generated reports: a directory the web server never
serves.

Downloads go through permission-checked views (imports, insights reports); stored paths are
relative to this root, which is ``PENGGERAK_PRIVATE_ROOT`` or ``var/private``. It lives in
core because both the imports app and the insights reports keep files here, and insights may
not import imports (layer order).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def private_root() -> Path:
    root = getattr(settings, "PENGGERAK_PRIVATE_ROOT", None) or os.environ.get(
        "PENGGERAK_PRIVATE_ROOT"
    )
    return Path(root) if root else Path(settings.VAR_DIR) / "private"


def private_path(relative: str) -> Path:
    """The absolute path of a stored file; refuses anything that escapes the root."""
    root = private_root().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise ValueError("path outside the private root")
    return path
