"""Collects one note's diagnostics and applies the vault's severity settings (including "off")."""

from __future__ import annotations

from ...vault import VaultSettings
from ..codes import default_severity
from ..types import SEVERITY_RANK, Diagnostic, Related

__all__ = ["Emitter"]


class Emitter:
    def __init__(self, path: str, settings: VaultSettings) -> None:
        self.path = path
        self.settings = settings
        self.items: list[Diagnostic] = []

    def add(self, start: int, end: int, code: str, message: str, *, related: tuple[Related, ...] = (),
            fix: tuple[tuple[str, str], ...] = (), hint: bool = False) -> None:
        """Record a diagnostic; `hint=True` caps its severity at hint (in-text cites, links in comments)."""
        severity = self.settings.severity_of(code, default_severity(code))
        if severity == "off":
            return
        if hint and SEVERITY_RANK.get(severity, 4) < SEVERITY_RANK["hint"]:
            severity = "hint"
        self.items.append(Diagnostic(self.path, start, end, severity, code, message, related, fix))
