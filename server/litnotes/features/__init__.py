"""The features layer: pure functions of a vault snapshot, in editor terms but without LSP types.

Architecture invariant: no I/O, no pygls/lsprotocol, and settings arrive through the snapshot.
"""

from .codes import CODES, CodeInfo
from .diagnostics import check_vault, checked_paths, diagnose_note
from .types import SEVERITY_RANK, Diagnostic, Related

__all__ = ["diagnose_note", "check_vault", "checked_paths", "Diagnostic", "Related", "CODES", "CodeInfo", "SEVERITY_RANK"]
