-- expect-exit: 4
-- expect-stderr: instruction budget of 10000000 exceeded
-- max-seconds: 15
-- table.insert at the front of a table whose __len says 2^40: 2^40 shifts in C.
return {api = 1, name = "c_table_insert", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    local t = setmetatable({}, {__len = function() return 1 << 40 end})
    table.insert(t, 1, "x")
    return 0.5
  end}
