-- stdp_overhead.lua: the cost of plastic synapses against static ones.
-- 1000 Poisson inputs (20 Hz) -> 100 current-based LIF neurons (closed-form solver),
-- all to all (100 000 synapses), 2 s. EMBER_PLASTIC=stdp|triplet makes the
-- projection plastic; otherwise it is static. Prints synaptic events per second of
-- wall time inside ember.run.
local rule = os.getenv("EMBER_PLASTIC")
local T = tonumber(os.getenv("EMBER_T") or "2000")
ember.setup{seed = 1}
local inp = ember.poisson("in", 1000, {rate = 20})
local out = ember.population("out", 100, "lif_curr_exp", {tau_refrac = 2.0}, {solver = "exact"})
local opts = {weight = ember.uniform(0, 0.02), delay = 1.0}
if rule == "stdp" then
  opts.plasticity = ember.stdp{w_max = 0.02, A_plus = 0.01, A_minus = 0.0105}
elseif rule == "triplet" then
  opts.plasticity = ember.triplet{w_max = 0.02}
end
local proj = ember.connect(inp, out, ember.all_to_all(), opts)
local c = os.clock()
ember.run(T)
local wall = os.clock() - c
local events = inp:spike_count() * 100
print(string.format("%-8s events %d  post spikes %d  cpu %.2f s  %.3g events/s", rule or "static",
                    events, out:spike_count(), wall, events / wall))
