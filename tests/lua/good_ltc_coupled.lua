-- good: a plastic LTC circuit that receives spikes and LTC -> LTC sigmoid
-- synapses. With eta = 0 it follows the plain circuit bit for bit (fused and
-- rk8pd); with eta > 0 its weights learn.
local function check(cond, what) if not cond then error("check failed: " .. what, 2) end end

ember.setup{seed = 2, min_delay = 0.5}
local stim = ember.spike_array("stim", {{1.5, 3.5, 7.25}, {2.0, 9.0}})
local ser = ember.series{values = {{1, 0.2}, {0.3, 1}, {-0.5, 0.5}}, step = 5}
local relay = ember.ltc("relay", {wiring = ember.fully_connected{units = 2, outputs = 1}, inputs = 2,
                                  seed = 5})
ser:feed(relay)
local function circuit(label, rule, solver)
  local c = ember.ltc(label, {wiring = ember.fully_connected{units = 4, outputs = 1}, inputs = 2,
                              seed = 3, plasticity = rule}, {solver = solver})
  ser:feed(c)
  local pe = ember.connect(stim, c, ember.all_to_all(), {weight = 0.4, delay = 1, receptor = "excitatory"})
  ember.connect(stim, c, ember.from_list{{1, 2}}, {weight = 0.6, delay = 0.5, receptor = "inhibitory"})
  local ps = ember.connect(relay, c, ember.all_to_all(), {weight = 0.3, sigmoid = {sigma = 4, mu = 0.1}})
  return c, pe, ps
end
local set = {}
for _, solver in ipairs{"fused", "rk8pd"} do
  set[solver] = {plain = circuit("plain_" .. solver, nil, solver),
                 frozen = circuit("frozen_" .. solver, ember.oja{eta = 0, synapses = "all"}, solver),
                 learn = circuit("learn_" .. solver, ember.oja{eta = 0.05, synapses = "all"}, solver)}
end
-- per-synapse currents of the coupling projections (current.h5)
local _, pe, ps = circuit("rec", ember.oja{eta = 0.05, synapses = "all"}, "fused")
pe:record("current", {interval = 0.5})
ps:record("current", {interval = 1, synapses = {0, 5}})
local ok, err = pcall(function() pe:record("current") end)
check(not ok and string.find(err, "already recorded", 1, true), "a second record: " .. tostring(err))
ok, err = pcall(function() pe:record("voltage") end)
check(not ok and string.find(err, 'records "weight" or "current"', 1, true), "unknown: " .. tostring(err))
ok, err = pcall(function() set.fused.plain:record("current") end)
check(not ok and string.find(err, "record it on the projection", 1, true), "on the pop: " .. tostring(err))
local w0 = set.fused.learn:get("w")
ember.run(15)
for solver, s in pairs(set) do
  for _, var in ipairs{"v", "gsyn_exc", "gsyn_inh", "tau"} do
    local a, b = s.plain:get(var), s.frozen:get(var)
    for j = 1, #a do check(a[j] == b[j], solver .. ": eta 0 gives the plain " .. var .. "[" .. j .. "]") end
  end
  check(s.plain:get("gsyn_inh")[3] > 0, solver .. ": the inhibitory spikes arrived")
  local v, vl, dv = s.plain:get("v"), s.learn:get("v"), 0
  for j = 1, #v do dv = math.max(dv, math.abs(v[j] - vl[j])) end
  check(dv > 1e-4, solver .. ": learning changes v (" .. dv .. ")")
end
local w1, moved = set.fused.learn:get("w"), 0
for k = 1, #w0 do moved = math.max(moved, math.abs(w1[k] - w0[k])) end
check(moved > 1e-3, "the weights learn (moved " .. moved .. ")")
print("ltc coupled ok")
