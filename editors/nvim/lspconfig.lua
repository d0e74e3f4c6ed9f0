-- litnotes for Neovim 0.9 and 0.10, two ways. (On 0.11 use lsp/litnotes.lua instead.)

-- (a) With nvim-lspconfig: register litnotes as a custom server, then set it up.
local ok, lspconfig = pcall(require, 'lspconfig')
if ok then
  local configs = require('lspconfig.configs')
  if not configs.litnotes then
    configs.litnotes = {
      default_config = {
        cmd = { 'litnotes', 'serve', '--stdio' }, -- or the absolute path of the binary in your venv
        filetypes = { 'markdown' },
        root_dir = lspconfig.util.root_pattern('.obsidian', '.litnotes.toml', '.git'),
        single_file_support = true, -- a note outside any vault: the server indexes its folder
        settings = { litnotes = vim.empty_dict() }, -- the keys of .litnotes.toml, e.g. severity = {...}
      },
      docs = { description = 'litnotes: links, block references and cite keys in Obsidian vaults' },
    }
  end
  lspconfig.litnotes.setup({})
  return
end

-- (b) Without plugins: start (or reuse) the client for every Markdown buffer in a vault.
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'markdown',
  group = vim.api.nvim_create_augroup('litnotes-lsp', { clear = true }),
  callback = function(args)
    local root = vim.fs.dirname(vim.fs.find({ '.obsidian', '.litnotes.toml', '.git' },
      { upward = true, path = vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf)) })[1])
    vim.lsp.start({
      name = 'litnotes',
      cmd = { 'litnotes', 'serve', '--stdio' },
      root_dir = root or vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf)),
      settings = { litnotes = vim.empty_dict() },
    }, { bufnr = args.buf })
  end,
})
