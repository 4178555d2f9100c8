-- driver: require_library
-- expect-exit: 4
-- expect-stderr: instruction budget of 10000000 exceeded
-- A library function that loops forever, called by an aggregate: it runs on the calling
-- plugin's budget (an aggregate's, not a report's).
return {api = 1, name = "library_loop", version = "1", kind = "library", description = "hostile",
  exports = {run = function(children) while true do end end}}
