-- 一票否决 (veto): when an indicator falls below a threshold, the organization gets a fixed
-- grade whatever its points. Parameters, from the rule in the standard:
--   when: {indicator: ID, below: X, on: norm | mean | points | third_party | self}
--         (on defaults to norm; third_party and self: an evidence leaf's roles)
--   grade: the grade to force (usually the lowest)
-- An indicator without a value does not trigger the veto: missing data is flagged
-- elsewhere, not punished here.
local function value_of(result, when)
  local node = result.nodes[when.indicator]
  if node == nil then
    error("veto: the standard has no indicator '" .. tostring(when.indicator) .. "'")
  end
  return node[when.on or "norm"]
end

return {
  api = 1, name = "veto", version = "1.0.0", kind = "rule",
  description = "一票否决: force a grade when an indicator is below a threshold",
  -- What a rule's mapping may hold; lotk check and lotk score hold the standard to it.
  params = {
    when = {type = "table", required = true, fields = {
      indicator = {type = "indicator", required = true},
      below = {type = "number", required = true},
      on = {type = "string", one_of = {"norm", "mean", "points", "third_party", "self"}},
    }},
    grade = {type = "grade", required = true},
  },
  rule = function(result, params)
    local when = params.when
    if type(when) ~= "table" or when.indicator == nil or type(when.below) ~= "number" then
      error("veto: needs when: {indicator: ID, below: NUMBER}")
    end
    if type(params.grade) ~= "string" then error("veto: needs grade: GRADE") end
    local v = value_of(result, when)
    if type(v) == "number" and v < when.below then
      return {
        grade = params.grade,
        reason = string.format("一票否决 veto: %s %s %.4g is below %.4g",
                               when.indicator, when.on or "norm", v, when.below),
      }
    end
    return nil
  end,
  tests = {
    {name = "below vetoes",
     args = {{nodes = {D1 = {norm = 0.2}}}, {when = {indicator = "D1", below = 0.5}, grade = "fail"}},
     expect = {grade = "fail", reason = "一票否决 veto: D1 norm 0.2 is below 0.5"}},
    {name = "above passes",
     args = {{nodes = {D1 = {norm = 0.7}}}, {when = {indicator = "D1", below = 0.5}, grade = "fail"}},
     expect = nil},
  },
}
