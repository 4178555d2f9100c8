-- expect-exit: 4
-- expect-stderr: undefined global '_G'
-- Rewiring the globals: there is no _G to reach.
return {api = 1, name = "setmetatable_G", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) setmetatable(_G, {__index = function() return 1 end}) return 0.5 end}
