-- expect-exit: 4
-- expect-stderr: budget of
-- max-seconds: 30
-- table.concat over 2^40 elements that an __index made of a C function (table.concat of an
-- empty table: "") supplies: no VM instruction and no memory, only C time.
return {api = 1, name = "c_table_concat", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    local t = setmetatable({}, {__index = table.concat})
    return #table.concat(t, "", 1, 1 << 40)
  end}
