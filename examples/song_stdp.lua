-- song_stdp.lua: competitive Hebbian learning through STDP (Song, Miller & Abbott 2000).
--
--   Song S, Miller KD, Abbott LF (2000) Competitive Hebbian learning through
--   spike-timing-dependent synaptic plasticity. Nat Neurosci 3:919-926.
--
-- One conductance-based integrate-and-fire neuron receives 1000 excitatory Poisson
-- inputs (10 Hz) through plastic synapses and 200 inhibitory Poisson inputs (10 Hz)
-- through fixed ones. Additive STDP with A_minus / A_plus = 1.05 makes the
-- excitatory weights compete: they leave the middle and pile up near 0 and near
-- g_max, a bimodal distribution, while the output rate settles (Figs. 1-2 of the paper).
--
--   quantity           paper (units of the leak conductance)   here (lif_cond_exp, PyNN units)
--   tau_m, C           20 ms                                    tau_m = 20 ms, cm = 0.2 nF (g_L = 0.01 uS)
--   V_rest, V_th       -70, -54 mV                              v_rest = -70, v_thresh = -54 mV
--   V_reset            -60 mV                                   v_reset = -60 mV, tau_refrac = 0.1 ms
--   E_ex, E_in         0, -70 mV                                e_rev_E = 0, e_rev_I = -70 mV
--   tau_ex, tau_in     5 ms                                     tau_syn_E = tau_syn_I = 5 ms
--   g_max              0.015                                    w_max = 1.5e-4 uS
--   g_in               0.05                                     5e-4 uS (fixed)
--   STDP               tau+ = tau- = 20 ms, A+ = 0.005,         ember.stdp, additive, the same,
--                      A-/A+ = 1.05, all-to-all                 A_plus, A_minus fractions of w_max
--   initial weights    g_max                                    w_max (see below)
--
-- As in the paper every weight starts at g_max (output rate about 140 Hz at first);
-- EMBER_W0_UNIFORM=1 draws them uniformly in [0, g_max] instead. The delay of every
-- input is 1 ms (the paper had none; Ember needs delays > 0).
--
-- Run:   ember run examples/song_stdp.lua -o /tmp/song [--threads 2]
--        examples/plot_weights.py /tmp/song song.png
-- Environment: EMBER_T        duration in ms (default 1500000: 25 minutes; about 25 s of
--                             wall time. The figure of docs/plasticity.md is 3000000)
--              EMBER_A_PLUS   A_plus (default 0.005; larger learns faster, noisier)
--              EMBER_RATE     input rate in Hz (default 10)

local T = tonumber(os.getenv("EMBER_T") or "1500000")
local A_PLUS = tonumber(os.getenv("EMBER_A_PLUS") or "0.005")
local RATE = tonumber(os.getenv("EMBER_RATE") or "10")
local N_EX, N_IN = 1000, 200
local G_L = 0.01                        -- uS
local G_MAX, G_IN = 0.015 * G_L, 0.05 * G_L

ember.setup{seed = 2000}

local neuron = ember.population("neuron", 1, "lif_cond_exp", {
  cm = 0.2, tau_m = 20.0, v_rest = -70.0, v_thresh = -54.0, v_reset = -60.0, tau_refrac = 0.1,
  e_rev_E = 0.0, e_rev_I = -70.0, tau_syn_E = 5.0, tau_syn_I = 5.0})
neuron:initialize{v = -60.0}
local ex = ember.poisson("ex", N_EX, {rate = RATE})
local inh = ember.poisson("inh", N_IN, {rate = 10.0})

local proj = ember.connect(ex, neuron, ember.all_to_all(), {
  weight = os.getenv("EMBER_W0_UNIFORM") and ember.uniform(0, G_MAX) or G_MAX, delay = 1.0,
  plasticity = ember.stdp{tau_plus = 20, tau_minus = 20, A_plus = A_PLUS, A_minus = 1.05 * A_PLUS,
                          w_min = 0, w_max = G_MAX, weight_dependence = "additive", pairing = "all"}})
ember.connect(inh, neuron, ember.all_to_all(), {weight = G_IN, delay = 1.0, receptor = "inhibitory"})

neuron:record("spikes")
proj:record("weight", {interval = math.max(T / 100, 1)})

-- Run in tenths and report the output rate and the weights on the way: how many are
-- near 0 (below 0.2 w_max), near w_max (above 0.8 w_max) and in between.
local function summary(t0, n0)
  local w, lo, hi, sum = proj:weights(), 0, 0, 0
  for k = 1, #w do
    local u = w[k] / G_MAX
    sum = sum + u
    if u < 0.2 then lo = lo + 1 elseif u > 0.8 then hi = hi + 1 end
  end
  local n = neuron:spike_count()
  local rate = (n - n0) / ((ember.time() - t0) / 1000)
  print(string.format("t = %8.0f ms  rate %6.2f Hz  mean w/w_max %.3f  near 0: %4d  near w_max: %4d  between: %4d",
                      ember.time(), rate, sum / #w, lo, hi, #w - lo - hi))
  return n
end

local n0 = 0
for _ = 1, 10 do
  local t0 = ember.time()
  ember.run(T / 10)
  n0 = summary(t0, n0)
end
