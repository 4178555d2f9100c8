-- expect-exit: 4
-- expect-stderr: undefined global 'load'
-- Bytecode through load(): load is absent.
return {api = 1, name = "load_bytecode", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) return load("\27Lua\84\0")() end}
