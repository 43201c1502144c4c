-- coba.lua: benchmark 1 of Brette et al. (2007), the conductance-based (COBA) version
-- of the Vogels & Abbott (2005) balanced network.
--
--   Brette R, Rudolph M, Carnevale T, et al. (2007) Simulation of networks of spiking
--   neurons: a review of tools and strategies. J Comput Neurosci 23:349-398.
--   Vogels TP, Abbott LF (2005) Signal propagation and logic gating in networks of
--   integrate-and-fire neurons. J Neurosci 25:10786-10795.
--
-- 4000 leaky integrate-and-fire neurons with exponential synaptic conductances, 3200
-- excitatory and 800 inhibitory, every ordered pair connected with probability 0.02
-- (about 80 targets per neuron).  No external input: the activity (about 20 Hz) is
-- self-sustained from random initial potentials and conductances.
--
--     C dv/dt = g_L (E_L - v) + g_e (E_e - v) + g_i (E_i - v)
--     dg_e/dt = -g_e / tau_e,  dg_i/dt = -g_i / tau_i
--
--   parameter        benchmark                 here (Ember lif_cond_exp, PyNN units)
--   C                200 pF                    cm = 0.2 nF
--   g_L              10 nS (tau_m = C/g_L)     tau_m = 20 ms
--   E_L              -60 mV                    v_rest = -60 mV
--   V_th             -50 mV                    v_thresh = -50 mV
--   V_reset          -60 mV                    v_reset = -60 mV
--   refractory       5 ms                      tau_refrac = 5 ms
--   E_e, E_i         0 mV, -80 mV              e_rev_E = 0, e_rev_I = -80 mV
--   tau_e, tau_i     5 ms, 10 ms               tau_syn_E = 5, tau_syn_I = 10 ms
--   w_e, w_i         6 nS, 67 nS               0.006 µS, 0.067 µS (both positive)
--   delay            none (Brian: next step)   0.1 ms (Ember needs delays > 0)
--   initial v        N(-65, 5) mV              the same
--   initial g_e      N(4, 1.5) x g_L           N(0.04, 0.015) µS
--   initial g_i      N(20, 12) x g_L           N(0.2, 0.12) µS
--   integration      Euler, dt = 0.1 ms        adaptive expint (abstol = reltol = 1e-6),
--                                              spike times located inside the step
--
-- The initial values are those of R. Brette's Brian script for the review (v drawn as
-- (randn*5 - 5) mV relative to E_L, conductances in units of g_L).  A few initial
-- conductances are negative (about 5 % of g_i); the script keeps them, as Brian does:
-- they decay to 0 within tens of ms.
--
-- Run:   ember run examples/coba.lua -o /tmp/coba [--threads 2] [--seed S]
-- Environment: EMBER_T       duration in ms (default 1000)
--              EMBER_SOLVER  solver (default: the library's, expint)
--              EMBER_TOL     abstol = reltol (default: the library's, 1e-6)
--              EMBER_TRACE=1 also record v of excitatory neurons 0-4 every 0.1 ms

local T = tonumber(os.getenv("EMBER_T") or "1000")
local N_E, N_I, P = 3200, 800, 0.02

ember.setup{seed = 12345, min_delay = 0.1}

local cell = {
  cm = 0.2, tau_m = 20.0,                              -- nF, ms
  v_rest = -60.0, v_thresh = -50.0, v_reset = -60.0,   -- mV
  tau_refrac = 5.0,                                    -- ms
  e_rev_E = 0.0, e_rev_I = -80.0,                      -- mV
  tau_syn_E = 5.0, tau_syn_I = 10.0,                   -- ms
  i_offset = 0.0,                                      -- nA
}

-- Solver options: only what the environment asks for; the rest are library defaults.
local solver = {}
if os.getenv("EMBER_SOLVER") then solver.solver = os.getenv("EMBER_SOLVER") end
if os.getenv("EMBER_TOL") then
  solver.abstol = tonumber(os.getenv("EMBER_TOL"))
  solver.reltol = solver.abstol
end

local exc = ember.population("exc", N_E, "lif_cond_exp", cell, solver)
local inh = ember.population("inh", N_I, "lif_cond_exp", cell, solver)
for _, pop in ipairs({exc, inh}) do
  pop:initialize{
    v = ember.normal(-65.0, 5.0),          -- mV
    gsyn_exc = ember.normal(0.04, 0.015),  -- µS
    gsyn_inh = ember.normal(0.2, 0.12),    -- µS
  }
end

local e_syn = {weight = 0.006, delay = 0.1, receptor = "excitatory"}  -- µS
local i_syn = {weight = 0.067, delay = 0.1, receptor = "inhibitory"}  -- µS
local n_syn = 0   -- number of synapses, for the summary (#projection)
for _, post in ipairs({exc, inh}) do
  n_syn = n_syn + #ember.connect(exc, post, ember.fixed_probability(P), e_syn)
  n_syn = n_syn + #ember.connect(inh, post, ember.fixed_probability(P), i_syn)
end

exc:record({"spikes"})
inh:record({"spikes"})
if os.getenv("EMBER_TRACE") == "1" then
  exc:record({"v"}, {interval = 0.1, ids = {0, 1, 2, 3, 4}})
end

ember.run(T)

local ne, ni = exc:spike_count(), inh:spike_count()
-- One key=value line (bench/run.sh reads it): synaptic events ~ spikes x synapses / N.
print(string.format("coba T=%g exc_spikes=%d inh_spikes=%d spikes=%d synapses=%d "
                    .. "rate_exc=%.2f rate_inh=%.2f", T, ne, ni, ne + ni, n_syn,
                    ne / N_E / (T / 1000), ni / N_I / (T / 1000)))
