-- good: one lif_curr_exp neuron driven by a constant i_offset fires regularly;
-- its spike count and spike times must match the closed form.
--   v(t) = v_inf + (v_reset - v_inf) exp(-t / tau_m),  v_inf = v_rest + tau_m i / cm
--   time to threshold T = tau_m ln((v_inf - v_reset) / (v_inf - v_thresh))
--   spikes at T + k (T + tau_refrac), k = 0, 1, ...
local cm, tau_m, i, tau_ref = 1.0, 20.0, 1.0, 2.0
local v_rest, v_reset, v_thresh = -65.0, -65.0, -50.0
local duration = 1000.0

local p = ember.population("cell", 1, "lif_curr_exp", {
  cm = cm, tau_m = tau_m, i_offset = i, tau_refrac = tau_ref,
  v_rest = v_rest, v_reset = v_reset, v_thresh = v_thresh,
})
p:initialize{v = v_reset}
p:record("spikes")
ember.run(duration)

local v_inf = v_rest + tau_m * i / cm
local T = tau_m * math.log((v_inf - v_reset) / (v_inf - v_thresh))
local expected = math.floor((duration - T) / (T + tau_ref)) + 1
print(string.format("spike_count %d expected %d", p:spike_count(), expected))
if p:spike_count() ~= expected then
  error(string.format("spike count %d, closed form %d", p:spike_count(), expected))
end
local s = p:spikes()
assert(#s.times == expected, "recorded spikes " .. #s.times)
for k, t in ipairs(s.times) do
  local want = T + (k - 1) * (T + tau_ref)
  if math.abs(t - want) > 1e-6 then
    error(string.format("spike %d at %.12f ms, closed form %.12f ms", k, t, want))
  end
  assert(s.ids[k] == 0, "ids are 0-based")
end
-- the simulated time is exactly what was asked for
assert(ember.time() == duration, "ember.time() " .. ember.time())
print("exact spike times ok")
