-- expect-exit: 4
-- expect-stderr: find done: nil
-- max-seconds: 15
-- A plain find of a 2 MiB needle in a 4 MiB haystack of the same letter: a naive search
-- compares 2^43 bytes (hours); lotk's is linear.
local hay = string.rep("a", 4 << 20)
local needle = string.rep("a", 2 << 20) .. "b"
return {api = 1, name = "c_find_quadratic", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    error("find done: " .. tostring(string.find(hay, needle, 1, true)))
  end}
