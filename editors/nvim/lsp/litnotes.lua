-- litnotes language server for Neovim >= 0.11 (vim.lsp.config / vim.lsp.enable).
--
-- Install: copy this file to ~/.config/nvim/lsp/litnotes.lua (any `lsp/` folder on 'runtimepath'
-- works) and add `vim.lsp.enable('litnotes')` to your init.lua. Neovim then starts
-- `litnotes serve --stdio` for every Markdown buffer inside a vault.
--
-- If `litnotes` is not on your PATH, point at the binary of the virtualenv you installed it in:
--   vim.lsp.config('litnotes', { cmd = { vim.fn.expand('~/.venvs/litnotes/bin/litnotes'), 'serve', '--stdio' } })
---@type vim.lsp.Config
return {
  cmd = { 'litnotes', 'serve', '--stdio' },
  filetypes = { 'markdown' },
  -- The vault root: the nearest folder with `.obsidian/`, else `.litnotes.toml`, else `.git`.
  -- A note opened outside any vault still works: the server indexes just its folder.
  root_markers = { '.obsidian', '.litnotes.toml', '.git' },
  -- The keys of `.litnotes.toml` (they win over the file). Neovim answers the server's
  -- workspace/configuration request for section "litnotes" from this table. Examples:
  --   severity = { ['link.unresolved'] = 'warning', ['frontmatter.*'] = 'off' },
  --   exclude = { 'templates/', 'Archive/**' },
  --   bibliography = { '~/Zotero/My Library.bib' },
  --   citekeyProperties = { 'zotero-citekey' },
  --   debounceMs = 150,
  settings = { litnotes = vim.empty_dict() },
}
