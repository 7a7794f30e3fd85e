-- Run by test/e2e/neovim.e2e.ts in `nvim --headless` (Neovim 0.7, Debian's):
-- starts `node dist/server.js --stdio` with Neovim's own LSP client, opens main.cf and
-- master.cf, waits for diagnostics, asks for hover, completion and code actions with
-- buf_request_sync, and writes what it got as JSON to $E2E_RESULT. Never fails by
-- itself: errors are reported in the JSON, and Neovim always quits.

local server = os.getenv("E2E_SERVER")
local workspace = os.getenv("E2E_WORKSPACE")
local result_path = os.getenv("E2E_RESULT")
local result = { nvim = tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "." .. tostring(vim.version().patch), errors = {}, published = {} }

local function fail(message)
  table.insert(result.errors, message)
end

local function write_result()
  local file = io.open(result_path, "w")
  file:write(vim.fn.json_encode(result))
  file:close()
end

local function run()
  local client_id = vim.lsp.start_client({
    name = "postfix-lsp",
    cmd = { "node", server, "--stdio" },
    root_dir = workspace,
    flags = { debounce_text_changes = 0 },
    handlers = {
      -- Count every publication, so that an empty list (nothing wrong) is seen too.
      ["textDocument/publishDiagnostics"] = function(err, params, ctx, config)
        local name = vim.fn.fnamemodify(vim.uri_to_fname(params.uri), ":t")
        result.published[name] = (result.published[name] or 0) + 1
        return vim.lsp.diagnostic.on_publish_diagnostics(err, params, ctx, config)
      end,
    },
  })
  if not client_id then
    return fail("vim.lsp.start_client returned nil")
  end

  local function open(name)
    vim.cmd("edit " .. vim.fn.fnameescape(workspace .. "/" .. name))
    local bufnr = vim.api.nvim_get_current_buf()
    vim.lsp.buf_attach_client(bufnr, client_id)
    return bufnr
  end

  local function request(bufnr, method, params)
    local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
    if not responses then
      fail(method .. ": " .. tostring(err))
      return nil
    end
    local response = responses[client_id]
    if not response then
      fail(method .. ": no response from the server")
      return nil
    end
    if response.err then
      fail(method .. ": " .. vim.inspect(response.err))
      return nil
    end
    return response.result
  end

  local function diagnostics(bufnr)
    local list = {}
    for _, d in ipairs(vim.diagnostic.get(bufnr)) do
      table.insert(list, {
        lnum = d.lnum,
        col = d.col,
        severity = d.severity,
        message = d.message,
        source = d.source,
        code = d.user_data and d.user_data.lsp and d.user_data.lsp.code or vim.NIL,
      })
    end
    return list
  end

  local function hover_text(bufnr, line, character)
    local hover = request(bufnr, "textDocument/hover", {
      textDocument = { uri = vim.uri_from_bufnr(bufnr) },
      position = { line = line, character = character },
    })
    if type(hover) ~= "table" then
      return vim.NIL
    end
    local contents = hover.contents
    return type(contents) == "table" and (contents.value or vim.inspect(contents)) or tostring(contents)
  end

  local main = open("main.cf")
  local client = vim.lsp.get_client_by_id(client_id)
  if not vim.wait(20000, function()
    return client.initialized
  end, 50) then
    return fail("the server did not initialize within 20 s")
  end
  local caps = client.server_capabilities
  result.capabilities = {
    hover = caps.hoverProvider ~= nil and caps.hoverProvider ~= false,
    completion = caps.completionProvider ~= nil,
    codeAction = caps.codeActionProvider ~= nil and caps.codeActionProvider ~= false,
  }
  result.main = { filetype = vim.bo[main].filetype }
  if not vim.wait(20000, function()
    return #vim.diagnostic.get(main) > 0
  end, 50) then
    fail("no diagnostics for main.cf within 20 s")
  end
  result.main.diagnostics = diagnostics(main)
  -- Line 3 (0-based 2) is "smtpd_tls_security_level = may # opportunistic".
  result.main.hover = hover_text(main, 2, 5)

  -- Line 6 (0-based 5) is "smtpd_banner = $myhostname ESMTP": go to myhostname's assignment.
  local definition = request(main, "textDocument/definition", {
    textDocument = { uri = vim.uri_from_bufnr(main) },
    position = { line = 5, character = 18 },
  })
  if type(definition) == "table" then
    local location = definition[1] or definition
    result.main.definition = {
      file = vim.fn.fnamemodify(vim.uri_to_fname(location.uri), ":t"),
      line = location.range.start.line,
    }
  end

  if result.capabilities.codeAction then
    -- As :lua vim.lsp.buf.code_action() does: the cursor on the "#" of line 3, and
    -- the line's diagnostics converted back to LSP form.
    vim.api.nvim_win_set_cursor(0, { 3, 31 })
    local params = vim.lsp.util.make_range_params()
    params.context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(main, 2) }
    local actions = request(main, "textDocument/codeAction", params)
    result.main.codeActions = {}
    for _, action in ipairs(actions or {}) do
      table.insert(result.main.codeActions, action.title)
    end
  end

  if result.capabilities.completion then
    -- The user types a new last line, then asks for completion at its end.
    local last = vim.api.nvim_buf_line_count(main)
    local line = "smtp_tls_security_level = "
    if vim.api.nvim_buf_get_lines(main, last - 1, last, false)[1] == "" then
      vim.api.nvim_buf_set_lines(main, last - 1, last, false, { line })
    else
      vim.api.nvim_buf_set_lines(main, last, last, false, { line })
    end
    local row = vim.api.nvim_buf_line_count(main) - 1
    local completion = request(main, "textDocument/completion", {
      textDocument = { uri = vim.uri_from_bufnr(main) },
      position = { line = row, character = #line },
      context = { triggerKind = 1 },
    })
    local items = completion and (completion.items or completion) or {}
    result.main.completion = {}
    for _, item in ipairs(items) do
      table.insert(result.main.completion, item.label)
    end
  end

  local master = open("master.cf")
  result.master = { filetype = vim.bo[master].filetype }
  if not vim.wait(20000, function()
    return (result.published["master.cf"] or 0) > 0
  end, 50) then
    fail("no diagnostics published for master.cf within 20 s")
  end
  result.master.diagnostics = diagnostics(master)
  -- Line 4 (0-based 3) is "  -o smtpd_tls_security_level=encrypt".
  result.master.hover = hover_text(master, 3, 10)
  local symbols = request(master, "textDocument/documentSymbol", {
    textDocument = { uri = vim.uri_from_bufnr(master) },
  })
  result.master.symbols = {}
  for _, symbol in ipairs(symbols or {}) do
    table.insert(result.master.symbols, symbol.name)
  end

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 50)
end

local ok, err = pcall(run)
if not ok then
  fail("lua error: " .. tostring(err))
end
write_result()
vim.cmd("qa!")
