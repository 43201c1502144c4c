-- quickstart.lua: a small excitatory/inhibitory network driven by Poisson noise.
--
-- Run it with
--
--     ember run examples/quickstart.lua -o /tmp/quick
--     examples/plot_raster.py /tmp/quick            (needs python3-h5py, python3-matplotlib)
--
-- It takes well under a second.  The script builds 320 excitatory and 80 inhibitory
-- conductance-based integrate-and-fire neurons, connects them at random, drives them
-- with 100 Poisson spike trains, simulates one second and writes
-- /tmp/quick/spikes.h5 (all spikes) and /tmp/quick/v.h5 (membrane potential of three
-- neurons).  Units are PyNN's: ms, mV, nA, nF, µS (conductances and their weights),
-- Hz.  Neuron ids are 0-based within each population.

-- 1. Global settings.  `seed` makes the run reproducible (every random draw in Ember
--    comes from a stream keyed by the seed, so 1 or 2 threads give the same spikes);
--    `min_delay` is the shortest synaptic delay the network will use (ms).  Neurons
--    integrate independently for min_delay at a time, so it must not exceed any delay.
ember.setup{seed = 42, min_delay = 1.0}

-- 2. Neuron parameters, shared by both populations (PyNN IF_cond_exp names).
--    cm / tau_m is the leak conductance: 0.2 nF / 20 ms = 0.01 µS = 10 nS.
local cell = {
  cm = 0.2,          -- nF, membrane capacitance
  tau_m = 20.0,      -- ms, membrane time constant
  v_rest = -60.0,    -- mV, leak reversal potential
  v_thresh = -50.0,  -- mV, spike threshold
  v_reset = -60.0,   -- mV, potential right after a spike
  tau_refrac = 5.0,  -- ms, v is held at v_reset this long after a spike
  e_rev_E = 0.0,     -- mV, excitatory reversal potential
  e_rev_I = -80.0,   -- mV, inhibitory reversal potential
  tau_syn_E = 5.0,   -- ms, decay of the excitatory conductance
  tau_syn_I = 10.0,  -- ms, decay of the inhibitory conductance
}

-- 3. Populations.  "lif_cond_exp" is integrated between input spikes by an adaptive
--    solver (the Taylor series method, tolerances 1e-6) and its spike times are located
--    inside the step, so they are not rounded to any time grid.
local exc = ember.population("exc", 320, "lif_cond_exp", cell)
local inh = ember.population("inh", 80, "lif_cond_exp", cell)

-- 4. Initial state: membrane potentials spread uniformly between reset and threshold,
--    so that the neurons do not all start in step.  Conductances start at 0.
exc:initialize{v = ember.uniform(-60.0, -50.0)}
inh:initialize{v = ember.uniform(-60.0, -50.0)}

-- 5. External drive: 100 independent Poisson trains at 20 Hz.  Each neuron receives
--    each train with probability 0.2, i.e. about 20 trains, 400 input spikes/s.
local noise = ember.poisson("noise", 100, {rate = 20.0})
local drive = {weight = 0.002, delay = 1.0, receptor = "excitatory"}   -- 2 nS
ember.connect(noise, exc, ember.fixed_probability(0.2), drive)
ember.connect(noise, inh, ember.fixed_probability(0.2), drive)

-- 6. Recurrent connections, probability 0.1 for every ordered pair.  Conductance
--    weights are positive; the receptor decides whether a spike excites or inhibits.
local e_syn = {weight = 0.002, delay = 1.0, receptor = "excitatory"}    -- 2 nS
local i_syn = {weight = 0.04, delay = 1.0, receptor = "inhibitory"}     -- 40 nS
ember.connect(exc, exc, ember.fixed_probability(0.1), e_syn)
ember.connect(exc, inh, ember.fixed_probability(0.1), e_syn)
ember.connect(inh, exc, ember.fixed_probability(0.1), i_syn)
ember.connect(inh, inh, ember.fixed_probability(0.1), i_syn)

-- 7. What to record: every spike of both populations (-> spikes.h5), and the membrane
--    potential of excitatory neurons 0, 1 and 2 every 0.1 ms (-> v.h5).
exc:record({"spikes", "v"}, {interval = 0.1, ids = {0, 1, 2}})
inh:record({"spikes"})

-- 8. Simulate one second of network time.
local T = 1000.0  -- ms
ember.run(T)

-- 9. A one-line summary: mean firing rates (spikes per neuron per second).
local ne, ni = exc:spike_count(), inh:spike_count()
print(string.format("quickstart: %g ms, exc %d spikes (%.1f Hz), inh %d spikes (%.1f Hz)",
                    T, ne, ne / 320 / (T / 1000), ni, ni / 80 / (T / 1000)))
