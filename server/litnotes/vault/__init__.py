"""The vault layer: every note, file and library, resolved the way Obsidian resolves them.

Architecture invariant: no I/O and no LSP here. Inputs arrive as changes, `VaultHost` is the only
mutable object, and each `Vault` it publishes is an immutable snapshot.
"""

from .host import Change, Remove, SetFile, SetLibrary, SetNote, SetProblems, SetSettings, VaultHost
from .index import CiteSource
from .names import basename, folder_of, heading_key, name_key, stem
from .resolver import PathResolution
from .settings import SEVERITIES, VaultSettings
from .snapshot import LinkResolution, Vault

__all__ = [
    "Vault", "VaultHost", "VaultSettings", "LinkResolution", "PathResolution", "CiteSource", "Change",
    "SetNote", "SetFile", "Remove", "SetLibrary", "SetProblems", "SetSettings", "SEVERITIES",
    "name_key", "heading_key", "basename", "folder_of", "stem",
]
