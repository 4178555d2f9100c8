-- expect-exit: 3
-- expect-stderr: plugin 'veto' is of kind rule, not a library plugin
-- Requiring a plugin that is not a library (the shipped veto rule) is an error naming the
-- line of the require.
local veto = lotk.require("veto")
return {api = 1, name = "require_rule", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return 0.5 end}
