-- cuba.lua: benchmark 2 of Brette et al. (2007), the current-based (CUBA) version of
-- the Vogels & Abbott (2005) balanced network.
--
--   Brette R, Rudolph M, Carnevale T, et al. (2007) Simulation of networks of spiking
--   neurons: a review of tools and strategies. J Comput Neurosci 23:349-398.
--   Vogels TP, Abbott LF (2005) Signal propagation and logic gating in networks of
--   integrate-and-fire neurons. J Neurosci 25:10786-10795.
--
-- 4000 leaky integrate-and-fire neurons, 3200 excitatory and 800 inhibitory, every
-- ordered pair connected with probability 0.02 (about 80 targets per neuron).  No
-- external input: the activity is sustained by the network from a random initial
-- state, about 5-6 Hz.
--
-- The benchmark (and Brian's script) writes the model in voltage units:
--     tau_m dv/dt = ge + gi - (v - E_L),  dge/dt = -ge/tau_e,  dgi/dt = -gi/tau_i
-- with a spike adding 1.62 mV to ge (excitatory) or -9 mV to gi (inhibitory).
-- Ember's lif_curr_exp (PyNN IF_curr_exp) is
--     cm dv/dt = cm (v_rest - v)/tau_m + isyn_exc + isyn_inh
-- so isyn = ge * cm / tau_m: a jump of x mV becomes a jump of x * cm / tau_m nA.  The
-- value of cm cancels; with cm = 0.2 nF and tau_m = 20 ms the factor is 0.01 nA/mV.
--
--   parameter        benchmark (Brian)       here (Ember, PyNN units)
--   tau_m            20 ms                   tau_m = 20 ms, cm = 0.2 nF
--   E_L              -49 mV                  v_rest = -49 mV
--   V_th             -50 mV                  v_thresh = -50 mV
--   V_reset          -60 mV                  v_reset = -60 mV
--   refractory       5 ms                    tau_refrac = 5 ms
--   tau_e, tau_i     5 ms, 10 ms             tau_syn_E = 5, tau_syn_I = 10 ms
--   w_e              +1.62 mV                +0.0162 nA  (1.62 * 0.2 / 20)
--   w_i              -9 mV                   -0.09 nA    (-9 * 0.2 / 20; negative)
--   delay            none (Brian: next step) 0.1 ms      (Ember needs delays > 0)
--   initial v        U(-60, -50) mV          the same; ge = gi = 0
--   integration      exact, dt = 0.1 ms      "exact" closed form, off-grid spike times
--
-- Run:   ember run examples/cuba.lua -o /tmp/cuba [--threads 2] [--seed S]
-- Environment: EMBER_T    duration in ms (default 1000)
--              EMBER_TRACE=1  also record v of excitatory neurons 0-4 every 0.1 ms

local T = tonumber(os.getenv("EMBER_T") or "1000")
local N_E, N_I, P = 3200, 800, 0.02

ember.setup{seed = 12345, min_delay = 0.1}

local cell = {
  cm = 0.2, tau_m = 20.0,            -- nF, ms
  v_rest = -49.0, v_thresh = -50.0, v_reset = -60.0,   -- mV
  tau_refrac = 5.0,                  -- ms
  tau_syn_E = 5.0, tau_syn_I = 10.0, -- ms
  i_offset = 0.0,                    -- nA
}
local exc = ember.population("exc", N_E, "lif_curr_exp", cell)
local inh = ember.population("inh", N_I, "lif_curr_exp", cell)
exc:initialize{v = ember.uniform(-60.0, -50.0)}
inh:initialize{v = ember.uniform(-60.0, -50.0)}

local e_syn = {weight = 1.62 * 0.2 / 20.0, delay = 0.1, receptor = "excitatory"}  -- nA
local i_syn = {weight = -9.0 * 0.2 / 20.0, delay = 0.1, receptor = "inhibitory"}  -- nA
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
print(string.format("cuba T=%g exc_spikes=%d inh_spikes=%d spikes=%d synapses=%d "
                    .. "rate_exc=%.2f rate_inh=%.2f", T, ne, ni, ne + ni, n_syn,
                    ne / N_E / (T / 1000), ni / N_I / (T / 1000)))
