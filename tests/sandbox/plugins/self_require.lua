-- driver: require_library
-- expect-exit: 3
-- expect-stderr: lotk.require('self_require'): a cycle of requires: self_require → self_require
-- A library that requires itself while loading: a cycle, reported where it closes, not
-- endless recursion.
local me = lotk.require("self_require")
return {api = 1, name = "self_require", version = "1", kind = "library", description = "hostile",
  exports = {me = me}}
