-- expect-exit: 4
-- expect-stderr: error object is a table value
-- An error object whose __tostring itself fails: the host never calls it.
return {api = 1, name = "tostring_error", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    error(setmetatable({}, {__tostring = function() error("boom") end}))
  end}
