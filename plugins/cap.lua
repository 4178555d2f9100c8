-- Grade ceiling: when an indicator is below a threshold, the grade can be no better than
-- a given one (for example: no 优秀 without a training budget).
--   when: {indicator: ID, below: X, on: norm | mean | points | third_party | self}
--         (on defaults to norm; third_party and self: an evidence leaf's roles)
--   max_grade: the best grade still allowed
return {
  api = 1, name = "cap", version = "1.0.0", kind = "rule",
  description = "Grade ceiling when an indicator is below a threshold",
  params = {
    when = {type = "table", required = true, fields = {
      indicator = {type = "indicator", required = true},
      below = {type = "number", required = true},
      on = {type = "string", one_of = {"norm", "mean", "points", "third_party", "self"}},
    }},
    max_grade = {type = "grade", required = true},
  },
  rule = function(result, params)
    local when = params.when
    if type(when) ~= "table" or when.indicator == nil or type(when.below) ~= "number" then
      error("cap: needs when: {indicator: ID, below: NUMBER}")
    end
    if type(params.max_grade) ~= "string" then error("cap: needs max_grade: GRADE") end
    local node = result.nodes[when.indicator]
    if node == nil then error("cap: the standard has no indicator '" .. when.indicator .. "'") end
    local v = node[when.on or "norm"]
    if type(v) == "number" and v < when.below then
      return {
        max_grade = params.max_grade,
        reason = string.format("grade ceiling: %s %s %.4g is below %.4g", when.indicator,
                               when.on or "norm", v, when.below),
      }
    end
    return nil
  end,
  tests = {
    {name = "capped", args = {{nodes = {D2 = {norm = 0.4}}}, {when = {indicator = "D2", below = 0.6}, max_grade = "pass"}},
     expect = {max_grade = "pass", reason = "grade ceiling: D2 norm 0.4 is below 0.6"}},
  },
}
