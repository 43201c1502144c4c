-- accuracy_single.lua: spike-time accuracy of one lif_cond_exp neuron (bench/run.sh).
--
-- One neuron with the COBA parameters (examples/coba.lua) receives a fixed train of
-- excitatory input spikes through one synapse (6 nS, delay 0.5 ms) and fires about
-- 37 times in 1000 ms.  bench/run.sh runs it with the library's default solver
-- settings and with a tight reference (rk8pd, abstol = reltol = 1e-12) and compares
-- the spike times; bench/brian2_bench.py `single` builds the same neuron and input.
--
-- The input is a renewal process with a 0.5 ms dead time and exponential intervals
-- (mean rate ~120 Hz), drawn from the Park-Miller "minstd" generator
-- (x <- 48271 x mod 2^31-1, seed 42): integer arithmetic and one libm log per draw, so
-- this loop and single_inputs() in brian2_bench.py give the same doubles.
--
-- Environment: EMBER_T (ms, default 1000), EMBER_SOLVER, EMBER_TOL (abstol = reltol);
-- unset means the library's defaults.

local T = tonumber(os.getenv("EMBER_T") or "1000")
local RATE, DEAD, START = 120.0, 0.5, 1.0   -- Hz, ms, ms

local function input_times(t_end)
  local x, t, times = 42, START, {}
  local mean = 1000.0 / RATE
  while true do
    x = (x * 48271) % 2147483647
    local u = x / 2147483647.0
    t = t + DEAD + (-math.log(u)) * mean
    if t >= t_end then return times end
    times[#times + 1] = t
  end
end

ember.setup{seed = 1, min_delay = 0.5}

local solver = {}
if os.getenv("EMBER_SOLVER") then solver.solver = os.getenv("EMBER_SOLVER") end
if os.getenv("EMBER_TOL") then
  solver.abstol = tonumber(os.getenv("EMBER_TOL"))
  solver.reltol = solver.abstol
end

local cell = ember.population("cell", 1, "lif_cond_exp", {
  cm = 0.2, tau_m = 20.0, v_rest = -60.0, v_thresh = -50.0, v_reset = -60.0,
  tau_refrac = 5.0, e_rev_E = 0.0, e_rev_I = -80.0, tau_syn_E = 5.0, tau_syn_I = 10.0,
}, solver)
cell:initialize{v = -60.0}

local input = ember.spike_array("input", {input_times(T)})
ember.connect(input, cell, ember.all_to_all(),
              {weight = 0.006, delay = 0.5, receptor = "excitatory"})

cell:record({"spikes"})
ember.run(T)
print(string.format("accuracy_single T=%g spikes=%d", T, cell:spike_count()))
