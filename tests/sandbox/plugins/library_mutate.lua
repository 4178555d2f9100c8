-- driver: require_library
-- expect-exit: 4
-- expect-stderr: attempt to modify a read-only table
-- A library's exports are read-only, all the way down, for whoever requires them: run
-- writes into the table the driver got (the driver calls lib.run, which is this).
local exports = {palette = {red = "#f00"}}
exports.run = function(children)
  local lib = lotk.require("library_mutate")
  lib.palette.red = "#0f0"
  return 0.5
end
return {api = 1, name = "library_mutate", version = "1", kind = "library", description = "hostile",
  exports = exports}
