-- good: a small excitatory/inhibitory network driven by Poisson input; writes
-- spikes.h5 and v.h5 (the test then reads them back with `ember info`).
ember.setup{seed = 11}
local exc = ember.population("exc", 80, "lif_cond_exp", {tau_refrac = 2})
local inh = ember.population("inh", 20, "lif_cond_exp", {tau_refrac = 2})
exc:initialize{v = ember.uniform(-65, -50)}
inh:initialize{v = ember.uniform(-65, -50)}
local noise = ember.poisson("noise", 50, {rate = 40})
ember.connect(noise, exc, ember.fixed_probability(0.3), {weight = 0.01, delay = 1.0})
ember.connect(noise, inh, ember.fixed_probability(0.3), {weight = 0.01, delay = 1.0})
ember.connect(exc, exc, ember.fixed_probability(0.1), {weight = 0.002, delay = ember.uniform(0.5, 2)})
ember.connect(exc, inh, ember.fixed_probability(0.1), {weight = 0.002, delay = 1.0})
ember.connect(inh, exc, ember.fixed_probability(0.1),
  {weight = 0.02, delay = 1.0, receptor = "inhibitory"})
exc:record({"spikes", "v"}, {interval = 0.1, ids = {0, 1, 2}})
inh:record("spikes")
ember.run(500)
print(string.format("exc %d spikes, inh %d spikes", exc:spike_count(), inh:spike_count()))
assert(exc:spike_count() > 0, "the network should fire")
