"""What the connected editor can do, read once from its capabilities at initialize."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types

__all__ = ["ClientInfo"]


@dataclass(frozen=True)
class ClientInfo:
    encoding: str = "utf-16"
    pull_diagnostics: bool = False  # textDocument/diagnostic with workspace refresh: we stop pushing
    diagnostic_refresh: bool = False
    code_lens_refresh: bool = False  # workspace/codeLens/refresh: lenses re-asked after indexing and setting changes
    related_information: bool = False
    code_description: bool = False
    work_done_progress: bool = False
    watched_files_registration: bool = False
    configuration: bool = False
    completion_resolve: bool = False
    snippets: bool = False
    markdown_hover: bool = True
    markdown_completion: bool = True
    # Navigation and editing.
    link_support: bool = False
    hierarchical_symbols: bool = False
    tooltip: bool = False
    document_changes: bool = False
    create_files: bool = False
    rename_files: bool = False
    is_preferred: bool = False
    apply_edit: bool = False

    @classmethod
    def from_capabilities(cls, caps: types.ClientCapabilities, encoding: str) -> ClientInfo:
        td = caps.text_document
        ws = caps.workspace
        win = caps.window
        publish = td.publish_diagnostics if td else None
        completion = td.completion if td else None
        item = completion.completion_item if completion else None
        resolve = bool(item and item.resolve_support and "documentation" in (item.resolve_support.properties or []))
        refresh = bool(ws and ws.diagnostics and ws.diagnostics.refresh_support)
        hover = td.hover if td else None
        we = ws.workspace_edit if ws else None
        ops = set(we.resource_operations or ()) if we else set()
        changes = bool(we and we.document_changes)
        return cls(
            encoding=encoding,
            pull_diagnostics=bool(td and td.diagnostic) and refresh,
            diagnostic_refresh=refresh,
            code_lens_refresh=bool(ws and ws.code_lens and ws.code_lens.refresh_support),
            related_information=bool(publish and publish.related_information) or bool(td and td.diagnostic and td.diagnostic.related_information),
            code_description=bool(publish and publish.code_description_support),
            work_done_progress=bool(win and win.work_done_progress),
            watched_files_registration=bool(ws and ws.did_change_watched_files and ws.did_change_watched_files.dynamic_registration),
            configuration=bool(ws and ws.configuration),
            completion_resolve=resolve,
            snippets=bool(item and item.snippet_support),
            markdown_hover=not hover or not hover.content_format or types.MarkupKind.Markdown in hover.content_format,
            markdown_completion=bool(item and item.documentation_format and types.MarkupKind.Markdown in item.documentation_format),
            link_support=bool(td and td.definition and td.definition.link_support),
            hierarchical_symbols=bool(td and td.document_symbol and td.document_symbol.hierarchical_document_symbol_support),
            tooltip=bool(td and td.document_link and td.document_link.tooltip_support),
            document_changes=changes,
            create_files=changes and types.ResourceOperationKind.Create in ops,
            rename_files=changes and types.ResourceOperationKind.Rename in ops,
            is_preferred=bool(td and td.code_action and td.code_action.is_preferred_support),
            apply_edit=bool(ws and ws.apply_edit),
        )
