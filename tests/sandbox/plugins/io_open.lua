-- expect-exit: 4
-- expect-stderr: undefined global 'io'
-- File access: io is not opened in the sandbox.
return {api = 1, name = "io_open", version = "1", kind = "aggregate", description = "hostile",
  aggregate = function(children) io.open("/etc/passwd") return 0.5 end}
