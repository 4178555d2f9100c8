-- expect-exit: 4
-- expect-stderr: error_with_line.lua:6: plugin error_with_line: deliberate failure
-- A plain error names the plugin file and line.
return {api = 1, name = "error_with_line", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children)
    error("deliberate failure")
  end}
