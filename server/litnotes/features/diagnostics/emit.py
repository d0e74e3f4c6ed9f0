"""Collects one note's diagnostics and applies the vault's severity settings (including "off")."""

from __future__ import annotations

from ...vault import VaultSettings
from ..codes import default_severity
from ..types import SEVERITY_RANK, Diagnostic, Related

__all__ = ["Emitter"]

_BY_RANK = {rank: name for name, rank in SEVERITY_RANK.items()}


class Emitter:
    def __init__(self, path: str, settings: VaultSettings) -> None:
        self.path = path
        self.settings = settings
        self.items: list[Diagnostic] = []

    def add(self, start: int, end: int, code: str, message: str, *, related: tuple[Related, ...] = (),
            fix: tuple[tuple[str, str], ...] = (), hint: bool = False, cap: str | None = None,
            escalate: bool = False) -> None:
        """Record a diagnostic at the code's configured severity, adjusted for this instance:
        `hint=True` caps it at hint (in-text cites, links in comments), `cap` caps it at another level
        (a weaker form of a finding), `escalate` raises it one level (a stronger form, e.g. a key twice
        in one library)."""
        severity = self.settings.severity_of(code, default_severity(code))
        if severity == "off":
            return
        cap = "hint" if hint else cap
        if cap and SEVERITY_RANK[severity] < SEVERITY_RANK[cap]:
            severity = cap
        if escalate:
            severity = _BY_RANK[max(1, SEVERITY_RANK[severity] - 1)]
        self.items.append(Diagnostic(self.path, start, end, severity, code, message, related, fix))
