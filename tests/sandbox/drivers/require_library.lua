-- The root aggregate for a hostile library (run-hostile.sh, "-- driver: require_library"):
-- requires it while loading and, when scoring, calls its exports.run(children) if any.
local lib = lotk.require("HOSTILE")
return {api = 1, name = "require_library", version = "1", kind = "aggregate",
  description = "driver for hostile libraries",
  aggregate = function(children)
    if lib.run then return lib.run(children) end
    return 0.5
  end}
