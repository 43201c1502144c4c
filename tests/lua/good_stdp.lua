-- STDP from a script: constructors, a learning-rate schedule (a function of time),
-- set_plasticity between runs, weight recording. Prints "stdp ok" at the end.
ember.setup{seed = 5}
local pre = ember.poisson("pre", 50, {rate = 20})
local post = ember.population("post", 4, "lif_cond_exp")
local rule = ember.stdp{A_plus = 0.02, A_minus = 0.021, w_max = 0.05, weight_dependence = "multiplicative"}
assert(rule.rule == "stdp" and rule.A_plus == 0.02 and rule.weight_dependence == "multiplicative")
local t = ember.triplet{set = "visual_nearest", A3_plus = 0.01}
assert(t.rule == "triplet" and t.tau_x == 714 and t.A3_plus == 0.01 and t.pairing == "nearest")
local proj = ember.connect(pre, post, ember.all_to_all(), {weight = ember.uniform(0, 0.05), delay = 1,
  plasticity = rule})
proj:record("weight", {interval = 5, synapses = {0, 1, 2, 199}})
assert(proj:get_plasticity() == "stdp" and proj:get_plasticity("w_max") == 0.05)
-- no learning before t = 200 ms: eta follows a function of time
local seen = {}
proj:set_plasticity{eta = function(t) seen[#seen + 1] = t; return t < 200 and 0 or 1 end}
local w0 = proj:weights()
ember.run(200)
local w1 = proj:weights()
for k = 1, #w0 do assert(w0[k] == w1[k], "a weight changed while eta was 0") end
assert(#seen > 100 and seen[1] == 0, "the schedule runs once per interval")
ember.run(300)
local w2, changed = proj:weights(), 0
for k = 1, #w0 do if w2[k] ~= w1[k] then changed = changed + 1 end end
assert(changed > #w0 / 2, "weights changed once eta was 1")
proj:set_plasticity{eta = 0}   -- a fixed value ends the schedule
assert(proj:get_plasticity("eta") == 0)
ember.run(100)
local w3 = proj:weights()
for k = 1, #w0 do assert(w3[k] == w2[k]) end
print("stdp ok")
