-- expect-exit: 3
-- expect-stderr: CPU time budget of 1.0 s exceeded
-- run: plugins-test
-- max-seconds: 30
-- A main chunk of slow library calls must not hang `lotk plugins test`.
local s = string.rep("A", 8 << 20)
for i = 1, 10000000 do local l = s:lower() end
return {api = 1, name = "c_lower_at_load", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return 0.5 end}
