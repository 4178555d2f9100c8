-- expect-exit: 4
-- expect-stderr: undefined global 'coroutine'
-- Coroutines could yield across the host's calls: the library is not opened.
return {api = 1, name = "coroutines", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) local co = coroutine.create(function() end) return 0.5 end}
