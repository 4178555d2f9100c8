-- expect-exit: 3
-- expect-stderr: missing required field 'name'
-- The plugin table is read without metamethods: an __index that loops forever would run
-- outside any budget while lotk checks the fields (it used to hang lotk).
return setmetatable({api = 1, version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return 0.5 end},
  {__index = function(t, k) while true do end end})
