-- 加分项 (bonus): extra points when an indicator reaches a level, capped.
--   when: {indicator: ID, at_least: X, on: norm | mean | points | third_party | self}
--         (on defaults to norm; third_party and self: an evidence leaf's roles)
--   points: points to add
--   cap: the most the organization's total may reach through the bonus (default: the
--        standard's points)
return {
  api = 1, name = "bonus", version = "1.0.0", kind = "rule",
  description = "加分项: add points (with a cap) when an indicator reaches a level",
  params = {
    when = {type = "table", required = true, fields = {
      indicator = {type = "indicator", required = true},
      at_least = {type = "number", required = true},
      on = {type = "string", one_of = {"norm", "mean", "points", "third_party", "self"}},
    }},
    points = {type = "number", required = true},
    cap = {type = "number"},
  },
  rule = function(result, params)
    local when = params.when
    if type(when) ~= "table" or when.indicator == nil or type(when.at_least) ~= "number" then
      error("bonus: needs when: {indicator: ID, at_least: NUMBER}")
    end
    if type(params.points) ~= "number" or params.points <= 0 then
      error("bonus: needs points: a positive number")
    end
    local node = result.nodes[when.indicator]
    if node == nil then error("bonus: the standard has no indicator '" .. when.indicator .. "'") end
    local v = node[when.on or "norm"]
    if type(v) ~= "number" or v < when.at_least or type(result.points) ~= "number" then
      return nil
    end
    local cap = params.cap or lotk.standard.points
    local add = math.min(params.points, cap - result.points)
    if add <= 0 then return nil end
    return {
      points = add,
      reason = string.format("加分项 bonus: %s %s %.4g reaches %.4g", when.indicator,
                             when.on or "norm", v, when.at_least),
    }
  end,
  tests = {
    {name = "capped", args = {{points = 98, nodes = {D1 = {norm = 0.9}}}, {when = {indicator = "D1", at_least = 0.8}, points = 5, cap = 100}},
     expect = {points = 2, reason = "加分项 bonus: D1 norm 0.9 reaches 0.8"}},
    {name = "not reached", args = {{points = 60, nodes = {D1 = {norm = 0.5}}}, {when = {indicator = "D1", at_least = 0.8}, points = 5, cap = 100}},
     expect = nil},
  },
}
