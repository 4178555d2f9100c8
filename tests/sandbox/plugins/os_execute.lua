-- expect-exit: 4
-- expect-stderr: undefined global 'os'
-- Shell access: os is not opened in the sandbox.
return {api = 1, name = "os_execute", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) os.execute("touch /tmp/lotk-pwned") return 0.5 end}
