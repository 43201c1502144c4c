-- accuracy_driven.lua: spike-time accuracy of COBA neurons in the high-conductance
-- state (the case that limits the solver's steps in examples/coba.lua).
--
-- Five lif_cond_exp neurons with the COBA parameters, each driven by 64 excitatory
-- (30 Hz, 6 nS) and 16 inhibitory (20 Hz, 67 nS) Poisson inputs, as a neuron of the
-- network receives them; 400 ms, about 40 output spikes.  The same network as
-- test_conductance_input in tests/test_lif.c.  Run it with the library's defaults
-- and with a tight reference (EMBER_SOLVER=rk8pd EMBER_TOL=1e-12) and compare the
-- spike times neuron by neuron.
--
-- Environment: EMBER_T (ms, default 400), EMBER_SOLVER, EMBER_TOL (abstol = reltol).

local T = tonumber(os.getenv("EMBER_T") or "400")
ember.setup{seed = 7}

local solver = {}
if os.getenv("EMBER_SOLVER") then solver.solver = os.getenv("EMBER_SOLVER") end
if os.getenv("EMBER_TOL") then
  solver.abstol = tonumber(os.getenv("EMBER_TOL"))
  solver.reltol = solver.abstol
end

local pe = ember.poisson("pe", 320, {rate = 30.0})
local pi = ember.poisson("pi", 80, {rate = 20.0})
local cell = ember.population("cell", 5, "lif_cond_exp", {
  cm = 0.2, v_rest = -60.0, v_reset = -60.0, tau_refrac = 5.0,
  e_rev_I = -80.0, tau_syn_I = 10.0,
}, solver)
ember.connect(pe, cell, ember.fixed_number_pre(64),
              {weight = 0.006, delay = 0.1, receptor = "excitatory"})
ember.connect(pi, cell, ember.fixed_number_pre(16),
              {weight = 0.067, delay = 0.1, receptor = "inhibitory"})
cell:record({"spikes"})
ember.run(T)
print(string.format("accuracy_driven T=%g spikes=%d", T, cell:spike_count()))
