-- bench/hh_driven.lua: 20 hh_cond_exp neurons with the COBAHH cell, driven by Poisson input at
-- the network's event rates (64 x 38 Hz excitatory, 16 x 38 Hz inhibitory), for A/B counts of
-- the HH solvers without the network's chaos (EMBER_SOLVER, EMBER_T as in examples/cobahh.lua).
local T = tonumber(os.getenv("EMBER_T") or "1000")
ember.setup{seed = 7, min_delay = 0.1}
local cell = {cm = 0.2, g_leak = 0.01, gbar_Na = 20.0, gbar_K = 6.0, e_rev_leak = -60.0, e_rev_K = -90.0,
  e_rev_Na = 50.0, v_offset = -63.0, e_rev_E = 0.0, e_rev_I = -80.0, tau_syn_E = 5.0, tau_syn_I = 10.0}
local solver = {}
if os.getenv("EMBER_SOLVER") then solver.solver = os.getenv("EMBER_SOLVER") end
local n = ember.population("n", 20, "hh_cond_exp", cell, solver)
local e = ember.poisson("e", 64, {rate = 38})
local i = ember.poisson("i", 16, {rate = 38})
ember.connect(e, n, ember.all_to_all(), {weight = 0.006, delay = 0.1})
ember.connect(i, n, ember.all_to_all(), {weight = 0.067, delay = 0.1, receptor = "inhibitory"})
n:record("spikes")
ember.run(T)
