-- expect-exit: 4
-- expect-stderr: instruction budget
-- A plugin that retries the pcall until it succeeds must still stop at the budget (it
-- used to run forever: each re-raised budget error was caught by the next pcall).
return {api = 1, name = "pcall_retry", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    local ok = false
    while not ok do ok = pcall(function() while true do end end) end
    return 0.5
  end}
