-- expect-exit: 4
-- expect-stderr: CPU time budget of 1.0 s exceeded
-- max-seconds: 30
-- Millions of string.lower calls on an 8 MiB string: each is one VM instruction and
-- milliseconds of C, so the instruction count alone would allow hours; the CPU-time
-- watchdog stops it after a second.
local s = string.rep("A", 8 << 20)
return {api = 1, name = "c_lower_many", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    for i = 1, 10000000 do local l = s:lower() end
    return 0.5
  end}
