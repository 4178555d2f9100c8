-- expect-exit: 4
-- expect-stderr: read-only table
-- Changing a shared library table would change what other plugins see.
return {api = 1, name = "modify_host", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) math.floor = function() return 0 end return 0.5 end}
