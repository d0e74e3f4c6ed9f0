"""The disk layer: the only code that reads the file system. It turns a vault folder into changes.

Architecture invariant: nothing outside `disk` opens files; nothing in `disk` writes a user's file.
"""

from .config import CONFIG_NAME, load_settings, settings_from_mapping
from .libraries import LibraryCache
from .load import LoadStats, load_vault
from .scan import ScanResult, read_note, scan_vault

__all__ = ["load_vault", "LoadStats", "load_settings", "settings_from_mapping", "scan_vault", "read_note",
           "ScanResult", "CONFIG_NAME", "LibraryCache"]
