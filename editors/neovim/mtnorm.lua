-- mtnorm language server for Neovim 0.11+ (vim.lsp.config). Put this file in
-- ~/.config/nvim/plugin/ or require it from init.lua. Needs `mtnorm` on PATH with the [lsp]
-- extra: pip install 'mtnorm[lsp]'.
vim.lsp.config('mtnorm', {
  cmd = { 'mtnorm', 'lsp' },
  filetypes = { 'text', 'markdown' },
  -- The server itself finds the nearest config.yaml above each document; this only picks the
  -- workspace root (where "add to glossary" falls back to mtnorm-glossary.yaml).
  root_markers = { 'config.yaml', '.git' },
  init_options = {
    debounceMs = 150,
    -- glossaryFile = 'glossary/house.yaml',  -- where "add to glossary" writes
  },
})
vim.lsp.enable('mtnorm')

-- Optional: apply every safe mtnorm fix on save (the "Fix all mtnorm findings" source action).
vim.api.nvim_create_autocmd('BufWritePre', {
  pattern = { '*.txt', '*.md' },
  callback = function()
    vim.lsp.buf.code_action({ context = { only = { 'source.fixAll.mtnorm' } }, apply = true })
  end,
})
