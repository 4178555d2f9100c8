-- expect-exit: 3
-- expect-stderr: undefined global 'require'
-- Loading native modules: require is absent; failing while loading is a load error (3).
local ffi = require("ffi")
return {api = 1, name = "require_at_load", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return 0.5 end}
