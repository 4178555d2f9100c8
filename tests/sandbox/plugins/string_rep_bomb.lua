-- expect-exit: 4
-- expect-stderr: memory limit
-- One allocation far over the memory cap.
return {api = 1, name = "string_rep_bomb", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) local s = string.rep("x", 1 << 30) return 0.5 end}
