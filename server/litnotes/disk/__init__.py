"""The disk layer: the only code that reads the file system. It turns a vault folder into changes.

Architecture invariant: nothing outside `disk` opens files; nothing in `disk` writes a user's file.
"""

from .config import CONFIG_NAME, SETTINGS_FILES, load_settings, settings_from_mapping
from .libraries import LibraryCache
from .cache import IndexCache, cache_root
from .load import SETTLE_SECONDS, LoadStats, changed_since, load_vault, save_index
from .scan import ScanResult, read_note, scan_vault
from .texts import TextCache

__all__ = ["load_vault", "LoadStats", "load_settings", "settings_from_mapping", "scan_vault", "read_note",
           "ScanResult", "CONFIG_NAME", "LibraryCache", "IndexCache", "cache_root", "save_index",
           "SETTLE_SECONDS", "TextCache", "SETTINGS_FILES", "changed_since"]
