-- A minimal Neovim (>= 0.11) setup for litnotes, complete enough to use as is:
--
--   nvim -u /path/to/litnotes/editors/nvim/init.lua ~/Notes/inbox.md
--
-- or copy lsp/litnotes.lua to ~/.config/nvim/lsp/ and the lines below into your own init.lua.
-- The editor tests (`make e2e`) start Neovim with exactly this file.

-- Make lsp/litnotes.lua next to this file visible to vim.lsp.config (not needed once you copied it).
local here = vim.fs.dirname(vim.fs.normalize(debug.getinfo(1, 'S').source:sub(2)))
vim.opt.runtimepath:prepend(here)

vim.cmd('filetype plugin indent on') -- `nvim -u` with a file keeps filetype detection; be explicit
vim.lsp.enable('litnotes')

vim.diagnostic.config({ virtual_text = true, severity_sort = true })

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('litnotes-lsp', { clear = true }),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= 'litnotes' then
      return
    end
    -- Built-in completion: the menu opens by itself on the server's trigger characters
    -- `[` `#` `^` `@` `|` (so `[[`, `[[note#`, `[[note#^`, `[@`, `[[@`); <C-y> accepts and applies
    -- the server's text edit, e.g. `[[@ber` -> `[[bereska2024-literature-note|@bereska2024]]`.
    -- With nvim-cmp or blink.cmp installed instead, remove this line (see README.md).
    vim.lsp.completion.enable(true, client.id, args.buf, { autotrigger = true })
    vim.opt_local.completeopt = { 'menuone', 'noselect', 'popup' }
    -- K (hover) and ]d / [d (diagnostics) are Neovim 0.11 defaults; gd, grr, … work when the
    -- server offers them.
  end,
})
