-- expect-exit: 4
-- expect-stderr: match limit
-- Exponential backtracking must hit PCRE2's match limit.
return {api = 1, name = "catastrophic_regex", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    lotk.match(string.rep("a", 40) .. "b", "^(a+)+$")
    return 0.5
  end}
