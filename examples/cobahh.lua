-- cobahh.lua: benchmark 3 of Brette et al. (2007), COBAHH: the COBA network with
-- Hodgkin-Huxley neurons (Traub-Miles channels) instead of integrate-and-fire.
--
--   Brette R, Rudolph M, Carnevale T, et al. (2007) Simulation of networks of spiking
--   neurons: a review of tools and strategies. J Comput Neurosci 23:349-398.
--   Traub RD, Miles R (1991) Neuronal Networks of the Hippocampus. Cambridge UP.
--
-- 4000 neurons, 3200 excitatory and 800 inhibitory, every ordered pair connected
-- with probability 0.02; no external input: the activity is self-sustained.
--
--     C dv/dt = g_L (E_L - v) + g_Na m^3 h (E_Na - v) + g_K n^4 (E_K - v)
--               + g_e (E_e - v) + g_i (E_i - v)
--     rates of m, h, n: Traub-Miles with V_T = -63 mV (docs/models.md, hh_cond_exp)
--
--   parameter        benchmark (area 20000 um^2)   here (Ember hh_cond_exp, PyNN units)
--   C                1 uF/cm^2 -> 200 pF           cm = 0.2 nF
--   g_L              5e-5 S/cm^2 -> 10 nS          g_leak = 0.01 uS
--   g_Na             100 mS/cm^2 -> 20 uS          gbar_Na = 20 uS
--   g_Kd             30 mS/cm^2 -> 6 uS            gbar_K = 6 uS
--   E_L, E_K, E_Na   -60, -90, 50 mV               e_rev_leak, e_rev_K, e_rev_Na
--   V_T              -63 mV                        v_offset = -63 mV
--   E_e, E_i         0, -80 mV                     e_rev_E, e_rev_I
--   tau_e, tau_i     5 ms, 10 ms                   tau_syn_E, tau_syn_I
--   w_e, w_i         6 nS, 67 nS                   0.006 uS, 0.067 uS
--   spike            v crosses -20 mV upward,      v_spike = -20 mV, tau_refrac = 3 ms
--                    then 3 ms without detection   (detection only, no reset)
--   delay            none (Brian: next step)       0.1 ms (Ember needs delays > 0)
--   initial v        E_L + 5 randn - 5 mV          N(-65, 5) mV
--   initial g_e      (4 + 1.5 randn) x 10 nS       N(0.04, 0.015) uS
--   initial g_i      (20 + 12 randn) x 10 nS       N(0.2, 0.12) uS, negative draws
--                                                  set to 0 (see below)
--   initial m, h, n  0 (Brian's example)           0
--   integration      exponential Euler, 0.1 ms     adaptive taylor (abstol = reltol
--                                                  = 1e-6), crossings inside the step
--
-- Negative initial conductances. The normal draws give g_i < 0 for about 5 % of
-- the neurons (and g_e < 0 for a few). coba.lua keeps them, as Brian does: they
-- decay within tens of ms. With HH they do not: a negative total conductance
-- drives v away from e_rev_I, below -80 mV and on to minus thousands of mV, where
-- the h and n rates grow like exp(-v/18) and the ODE becomes so stiff that an
-- explicit solver crawls and then overflows (Brian's exponential Euler step hides
-- this, but its v goes there too). So negative draws are set to 0 here.
--
-- Run:   ember run examples/cobahh.lua -o /tmp/cobahh [--threads 2]
-- Environment: EMBER_T       duration in ms (default 1000)
--              EMBER_SOLVER  solver (default: the library's, taylor)
--              EMBER_TOL     abstol = reltol (default: the library's, 1e-6)
--              EMBER_TRACE=1 also record v of excitatory neurons 0-4 every 0.1 ms

local T = tonumber(os.getenv("EMBER_T") or "1000")
local N_E, N_I, P = 3200, 800, 0.02

ember.setup{seed = 12345, min_delay = 0.1}

local cell = {
  cm = 0.2, g_leak = 0.01, gbar_Na = 20.0, gbar_K = 6.0,   -- nF, uS
  e_rev_leak = -60.0, e_rev_K = -90.0, e_rev_Na = 50.0,     -- mV
  v_offset = -63.0,                                         -- mV
  e_rev_E = 0.0, e_rev_I = -80.0,                           -- mV
  tau_syn_E = 5.0, tau_syn_I = 10.0,                        -- ms
  v_spike = -20.0, tau_refrac = 3.0,                        -- mV, ms
}

local solver = {}
if os.getenv("EMBER_SOLVER") then solver.solver = os.getenv("EMBER_SOLVER") end
if os.getenv("EMBER_TOL") then
  solver.abstol = tonumber(os.getenv("EMBER_TOL"))
  solver.reltol = solver.abstol
end

local exc = ember.population("exc", N_E, "hh_cond_exp", cell, solver)
local inh = ember.population("inh", N_I, "hh_cond_exp", cell, solver)
-- Replaces the negative entries of state variable `name` of pop by 0.
local function clip_negative(pop, name)
  local x = pop:get(name)
  for i = 1, #x do x[i] = math.max(x[i], 0.0) end
  pop:initialize{[name] = x}
end

for _, pop in ipairs({exc, inh}) do
  pop:initialize{
    v = ember.normal(-65.0, 5.0),          -- mV
    m = 0, h = 0, n = 0,
    gsyn_exc = ember.normal(0.04, 0.015),  -- uS
    gsyn_inh = ember.normal(0.2, 0.12),    -- uS
  }
  clip_negative(pop, "gsyn_exc")
  clip_negative(pop, "gsyn_inh")
end

local e_syn = {weight = 0.006, delay = 0.1, receptor = "excitatory"}  -- uS
local i_syn = {weight = 0.067, delay = 0.1, receptor = "inhibitory"}  -- uS
local n_syn = 0
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
print(string.format("cobahh T=%g exc_spikes=%d inh_spikes=%d spikes=%d synapses=%d "
                    .. "rate_exc=%.2f rate_inh=%.2f", T, ne, ni, ne + ni, n_syn,
                    ne / N_E / (T / 1000), ni / N_I / (T / 1000)))
