"""Private storage moved to ``penggerak.core.storage`` (shared with the insights reports);
this name stays so the imports code and its tests keep their import path."""

from penggerak.core.storage import private_path, private_root

__all__ = ["private_path", "private_root"]
