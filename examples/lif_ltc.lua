-- lif_ltc.lua: spiking liquid time-constant neurons (model `lif_ltc`) whose membrane
-- time constant follows their input.
--
--     ember run examples/lif_ltc.lua -o /tmp/lif_ltc
--     examples/plot_raster.py /tmp/lif_ltc
--
-- Two groups of 100 `lif_ltc` neurons get Poisson input, one group at 5 Hz per train,
-- the other at 40 Hz. Each input spike raises the neuron's excitatory activation s
-- (which decays with tau_syn_E); the conductance is g_max_E * sigmoid(sigma_E (s - mu_E)),
-- as in an LTC sensory synapse, so the liquid time constant
--
--     tau = cm / (g_leak + g_max_E * sigmoid(sigma_E (s_exc - mu_E)) + ...)
--
-- shrinks as the input grows. The script prints each group's rate and its mean tau at
-- the end of the run (docs/models.md, lif_ltc). About 0.1 s.

ember.setup{seed = 7, min_delay = 1.0}

local cell = {
  -- cm / g_leak = 20 ms; at s = 0 the sigmoid still passes g_max_E * sigmoid(-3),
  -- so the resting tau is 16.1 ms
  cm = 0.2, g_leak = 0.01, v_rest = -65.0,
  v_thresh = -50.0, v_reset = -65.0, tau_refrac = 2.0,
  g_max_E = 0.05, sigma_E = 6.0, mu_E = 0.5, e_rev_E = 0.0, tau_syn_E = 5.0,
}

local groups = {}
for _, g in ipairs{{"slow_in", 5.0}, {"fast_in", 40.0}} do
  local label, rate = g[1], g[2]
  local pop = ember.population(label, 100, "lif_ltc", cell)
  pop:initialize{v = ember.uniform(-65.0, -55.0)}
  local src = ember.poisson(label .. "_src", 20, {rate = rate})
  ember.connect(src, pop, ember.fixed_probability(0.5),
                {weight = 0.1, delay = 1.0, receptor = "excitatory"})
  pop:record({"spikes"})
  pop:record({"v", "s_exc"}, {interval = 0.1, ids = {0, 1, 2}})
  groups[#groups + 1] = {label = label, rate = rate, pop = pop}
end

local T = 1000.0
ember.run(T)

local function sigmoid(x) return 1.0 / (1.0 + math.exp(-x)) end
for _, g in ipairs(groups) do
  local s = g.pop:get("s_exc")
  local tau = 0.0
  for i = 1, #s do
    local gsyn = cell.g_max_E * sigmoid(cell.sigma_E * (s[i] - cell.mu_E))
    tau = tau + cell.cm / (cell.g_leak + gsyn)
  end
  print(string.format("%-8s input %4.0f Hz/train: %6.1f Hz out, mean tau at t = %g ms: %5.2f ms",
                      g.label, g.rate, g.pop:spike_count() / #s / (T / 1000.0), T, tau / #s))
end
