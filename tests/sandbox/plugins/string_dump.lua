-- expect-exit: 4
-- expect-stderr: string.dump is not available
-- Dumping functions to bytecode: string.dump is removed.
return {api = 1, name = "string_dump", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) local b = string.dump(function() end) return 0.5 end}
