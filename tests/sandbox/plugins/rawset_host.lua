-- expect-exit: 4
-- expect-stderr: undefined global 'rawset'
-- rawset would bypass the read-only proxies.
return {api = 1, name = "rawset_host", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) rawset(lotk, "log", nil) return 0.5 end}
