-- expect-exit: 4
-- expect-stderr: lotk.require('no_such_library'): no plugin named 'no_such_library'
-- Requiring a library that is nowhere on the search path, inside a call: a run-time error
-- naming the line of the require.
return {api = 1, name = "require_missing", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) local lib = lotk.require("no_such_library") return 0.5 end}
