-- mtnorm with nvim-lspconfig (Neovim 0.10 and older set-ups). Neovim 0.11+: see mtnorm.lua.
local configs = require('lspconfig.configs')
local util = require('lspconfig.util')

if not configs.mtnorm then
  configs.mtnorm = {
    default_config = {
      cmd = { 'mtnorm', 'lsp' },
      filetypes = { 'text', 'markdown' },
      root_dir = util.root_pattern('config.yaml', '.git'),
      init_options = { debounceMs = 150 },
      single_file_support = true,
    },
  }
end

require('lspconfig').mtnorm.setup({})
