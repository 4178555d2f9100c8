-- expect-exit: 4
-- expect-stderr: instruction budget of 10000000 exceeded
-- max-seconds: 15
-- table.move of 2^40 (nil) elements: one C call that allocates nothing and never returns,
-- unless the elements it moves count against the budget.
return {api = 1, name = "c_table_move", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) table.move({}, 1, 1 << 40, 1, {}) return 0.5 end}
