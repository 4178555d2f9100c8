-- A rule that needs a number: below must not be quoted in the standard.
return {
  api = 1, name = "floor", version = "1.0.0", kind = "rule",
  description = "Fail an organization with an indicator under a floor",
  rule = function(result, params)
    if type(params.below) ~= "number" then
      error("floor: below must be a number, found " .. type(params.below))
    end
    local n = result.nodes[params.indicator]
    if n and n.norm and n.norm < params.below then
      return {grade = "fail", reason = params.indicator .. " is under the floor"}
    end
  end,
}
