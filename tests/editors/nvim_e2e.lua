-- Drives real Neovim (>= 0.11) as a user would, with editors/nvim/init.lua loaded by `-u`:
-- open a note, wait for litnotes' diagnostics, hover (K) over a highlight embed, type `[[@` and
-- accept the alias completion with <C-n>…<C-y>. Writes what it saw as JSON; tests/editors/e2e.py
-- holds the expectations. Run by e2e.py:
--   LITNOTES_E2E_BIN=… LITNOTES_E2E_NOTE=… LITNOTES_E2E_OUT=… nvim --headless -i NONE -n \
--     -u editors/nvim/init.lua -c 'luafile tests/editors/nvim_e2e.lua'
local bin = assert(os.getenv('LITNOTES_E2E_BIN'), 'LITNOTES_E2E_BIN')
local note = assert(os.getenv('LITNOTES_E2E_NOTE'), 'LITNOTES_E2E_NOTE')
local out = assert(os.getenv('LITNOTES_E2E_OUT'), 'LITNOTES_E2E_OUT')
local timeout_ms = tonumber(os.getenv('LITNOTES_E2E_TIMEOUT_MS') or '') or 30000

-- The only thing the harness adds to the shipped config: where the binary is.
vim.lsp.config('litnotes', { cmd = { bin, 'serve', '--stdio' } })

local result = { nvim = tostring(vim.version()), events = {} }
local t0 = vim.uv.hrtime()
local function event(name)
  table.insert(result.events, { name, math.floor((vim.uv.hrtime() - t0) / 1e6) })
end

local finished = false
local function finish(ok)
  if finished then
    return
  end
  finished = true
  result.ok = ok
  local f = assert(io.open(out, 'w'))
  f:write(vim.json.encode(result))
  f:close()
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop()
  end
  vim.wait(2000, function()
    return #vim.lsp.get_clients() == 0
  end, 20)
  vim.cmd(ok and 'qall!' or 'cquit! 1')
end

local function sleep(ms)
  local co = coroutine.running()
  vim.defer_fn(function()
    coroutine.resume(co)
  end, ms)
  coroutine.yield()
end

-- Poll while yielding to Neovim's main loop (so typed keys and LSP messages are processed).
local function wait_for(what, pred)
  local deadline = vim.uv.now() + timeout_ms
  while vim.uv.now() < deadline do
    local value = pred()
    if value then
      event(what)
      return value
    end
    sleep(25)
  end
  error('timed out waiting for ' .. what)
end

local function feed(keys)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'mt', false)
end

local function floating_windows()
  local wins = {}
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      table.insert(wins, w)
    end
  end
  return wins
end

local function main()
  vim.cmd.edit(vim.fn.fnameescape(note))
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype

  local client = wait_for('attached', function()
    local c = vim.lsp.get_clients({ bufnr = buf, name = 'litnotes' })[1]
    return c and c.initialized and c
  end)
  result.offset_encoding = client.offset_encoding
  result.root_dir = client.root_dir
  result.trigger_characters = client.server_capabilities.completionProvider
    and client.server_capabilities.completionProvider.triggerCharacters

  -- 1. Diagnostics, as vim.diagnostic holds them (byte columns) and as the server sent them.
  wait_for('diagnostics', function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.code == 'block-ref.unresolved' then
        return true
      end
    end
  end)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, {
      code = d.code,
      source = d.source,
      severity = vim.diagnostic.severity[d.severity],
      message = d.message,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      lsp_range = d.user_data and d.user_data.lsp and d.user_data.lsp.range,
    })
  end

  -- 2. Hover (what `K` does) on the block id of a highlight embed; read the floating window.
  local embed = '![[bereska2024-literature-note#^usmx6iz5]]'
  local row, col
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local s = line:find(embed, 1, true)
    if s then
      row, col = i, s - 1 + #'![[bereska2024-literature-note#^' + 2
      break
    end
  end
  assert(row, 'embed not found in the note')
  vim.api.nvim_win_set_cursor(0, { row, col })
  result.hover_position = { row - 1, col }
  vim.lsp.buf.hover()
  local float = wait_for('hover', function()
    return floating_windows()[1]
  end)
  result.hover_lines = vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false)
  vim.api.nvim_win_close(float, true)

  -- 3. Completion: type `[[@` on a new last line; the menu opens by itself (autotrigger on the
  -- server's trigger characters); select the alias item and accept it with <C-y>.
  feed('Go- see [[@')
  local items = wait_for('completion menu', function()
    if vim.fn.pumvisible() ~= 1 then
      return nil
    end
    local info = vim.fn.complete_info({ 'items' })
    for _, it in ipairs(info.items or {}) do
      local lsp = vim.tbl_get(it, 'user_data', 'nvim', 'lsp', 'completion_item')
      if lsp and lsp.label == '@bereska2024' and lsp.textEdit then
        return info.items
      end
    end
  end)
  result.completion = {}
  local pick
  for i, it in ipairs(items) do
    local lsp = vim.tbl_get(it, 'user_data', 'nvim', 'lsp', 'completion_item') or {}
    table.insert(result.completion, {
      word = it.word,
      abbr = it.abbr,
      menu = it.menu,
      label = lsp.label,
      new_text = lsp.textEdit and lsp.textEdit.newText,
      range = lsp.textEdit and (lsp.textEdit.range or lsp.textEdit.replace),
    })
    local new_text = lsp.textEdit and lsp.textEdit.newText or ''
    if lsp.label == '@bereska2024' and vim.startswith(new_text, 'bereska2024-literature-note|') and not pick then
      pick = i
    end
  end
  feed(string.rep('<C-n>', pick) .. '<C-y>')
  local last = vim.api.nvim_buf_line_count(buf)
  result.accepted_line = wait_for('completion accepted', function()
    local line = vim.api.nvim_buf_get_lines(buf, last - 1, last, false)[1]
    return vim.fn.pumvisible() == 0 and line:find(']]', 1, true) and line
  end)
  feed('<Esc>')
  sleep(50)
  result.mode_after = vim.api.nvim_get_mode().mode
end

vim.defer_fn(function()
  result.error = result.error or 'watchdog: the whole run took too long'
  finish(false)
end, 4 * timeout_ms)

vim.schedule(function()
  coroutine.wrap(function()
    local ok, err = xpcall(main, debug.traceback)
    if not ok then
      result.error = tostring(err)
    end
    finish(ok)
  end)()
end)
