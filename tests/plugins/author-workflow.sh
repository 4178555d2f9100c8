#!/bin/sh
# A standards author's round trip, with no rebuild: in a fresh directory, write a new
# aggregator (a weighted harmonic mean) and a veto rule in Lua, test them with
# `lotk plugins test`, check the standard that uses them, and score a survey with it.
# The whole transcript must equal author-expected.txt.
# usage: author-workflow.sh LOTK TESTDIR
set -u
lotk=$1
here=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
mkdir plugins

cat > plugins/harmonic.lua <<'LUA'
-- Weighted harmonic mean: one weak child pulls the node down hard.
return {
  api = 1, name = "harmonic", version = "0.1.0", kind = "aggregate",
  description = "Weighted harmonic mean of the children's normalised values",
  aggregate = function(children, node)
    local weights, inverse = 0, 0
    for _, c in ipairs(children) do
      if c.norm <= 0 then return 0 end
      weights = weights + c.weight
      inverse = inverse + c.weight / c.norm
    end
    return weights / inverse
  end,
  tests = {
    {name = "equal", args = {{{id = "a", norm = 0.5, weight = 1}, {id = "b", norm = 0.5, weight = 1}}, {id = "n"}}, expect = 0.5},
    {name = "quarter and half", args = {{{id = "a", norm = 0.25, weight = 1}, {id = "b", norm = 0.5, weight = 1}}, {id = "n"}}, expect = 1 / 3},
  },
}
LUA

cat > plugins/floor_veto.lua <<'LUA'
-- 一票否决: any of params.indicators under params.floor (normalised) fails the organization.
return {
  api = 1, name = "floor_veto", version = "0.1.0", kind = "rule",
  description = "Fail an organization with any indicator below a floor",
  rule = function(result, params)
    for _, id in ipairs(params.indicators) do
      local n = result.nodes[id]
      if n.norm and n.norm < params.floor then
        return {grade = params.grade, reason = id .. " is below the floor of " .. params.floor}
      end
    end
  end,
  tests = {
    {name = "vetoed", args = {{nodes = {A = {norm = 0.25}, B = {norm = 0.5}}}, {indicators = {"A", "B"}, floor = 0.3, grade = "fail"}},
     expect = {grade = "fail", reason = "A is below the floor of 0.3"}},
    {name = "clear", args = {{nodes = {A = {norm = 0.75}, B = {norm = 0.75}}}, {indicators = {"A", "B"}, floor = 0.3, grade = "fail"}}, expect = nil},
  },
}
LUA

cat > standard.yaml <<'YAML'
format: lotk/1
id: author-demo
version: "0.1.0"
kind: other
title: {zh: 作者示例, en: Author demo}
scales:
  s5: {min: 1, max: 5}
survey: {org_column: org, min_respondents: 1}
aggregate: harmonic
bands:
  - {grade: pass, min: 30}
  - {grade: fail, min: 0}
indicators:
  - id: A
    items: [{id: a1, scale: s5}, {id: a2, scale: s5}]
  - id: B
    items: [{id: b1, scale: s5}, {id: b2, scale: s5, reverse: true}]
rules:
  - {plugin: floor_veto, indicators: [A, B], floor: 0.3, grade: fail}
YAML

cat > responses.csv <<'CSV'
org,a1,a2,b1,b2
O1,4,5,3,2
O1,3,4,4,1
O2,2,2,5,5
CSV

{
  echo "\$ lotk plugins test plugins/harmonic.lua plugins/floor_veto.lua"
  "$lotk" plugins test plugins/harmonic.lua plugins/floor_veto.lua 2>&1
  echo "exit $?"
  echo "\$ lotk check standard.yaml"
  "$lotk" check standard.yaml 2>&1
  echo "exit $?"
  echo "\$ lotk score standard.yaml responses.csv -f csv"
  "$lotk" score standard.yaml responses.csv -f csv -q 2>&1
  echo "exit $?"
} > transcript.txt
if ! diff -u "$here/author-expected.txt" transcript.txt; then
  echo "FAIL: the author workflow transcript differs from $here/author-expected.txt"
  exit 1
fi
echo "ok: author workflow"
