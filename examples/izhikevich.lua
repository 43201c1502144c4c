-- izhikevich.lua: the 1000-neuron network of Izhikevich (2003), "Simple model of
-- spiking neurons", IEEE Trans Neural Netw 14:1569-1572 (its Fig. 3 and MATLAB
-- listing), with Ember's izhikevich model.
--
-- 800 excitatory regular-spiking cells and 200 inhibitory cells, heterogeneous
-- through one uniform random number r per neuron:
--
--   excitatory  a = 0.02            b = 0.2             c = -65 + 15 r^2   d = 8 - 6 r^2
--   inhibitory  a = 0.02 + 0.08 r   b = 0.25 - 0.05 r   c = -65            d = 2
--
-- Every ordered pair is connected (all-to-all, self-connections included as in the
-- paper's S matrix): weights 0.5 rand (from excitatory cells) and -rand (from
-- inhibitory cells), in mV of instantaneous jump of v (delta synapses; the paper
-- adds S to I for one 1 ms Euler step, which moves v by S mV). The paper's spikes
-- act from the next 1 ms step on; here every delay is 1 ms.
--
-- Thalamic input. The paper draws I = 5 randn (excitatory) or 2 randn (inhibitory)
-- afresh every 1 ms step for every neuron. Here each neuron gets its own
-- step_current that holds an independent N(0, 5^2) or N(0, 2^2) value for each
-- millisecond: the same process, exactly, rather than a Poisson approximation.
-- Ember's izhikevich takes currents in nA with I = 1000 x nA (PyNN's convention,
-- see docs/models.md), so the amplitudes are 0.005 randn and 0.002 randn nA.
-- The draws come from Lua's math.random seeded with EMBER_IZH_SEED (default 1),
-- so the network and its input are the same on every run.
--
-- Initial state as in the paper: v = -65 mV, u = b v.
--
-- Run:   ember run examples/izhikevich.lua -o /tmp/izh
--        examples/plot_raster.py /tmp/izh --size exc=800 --size inh=200
-- Environment: EMBER_T (ms, default 1000), EMBER_IZH_SEED (default 1).

local T = tonumber(os.getenv("EMBER_T") or "1000")
local N_E, N_I = 800, 200
math.randomseed(tonumber(os.getenv("EMBER_IZH_SEED") or "1"))

ember.setup{seed = 1, min_delay = 1.0}

-- Standard normal deviates (Box-Muller), from math.random.
local function randn()
  local u1 = 1.0 - math.random()   -- in (0, 1]: log(u1) is finite
  return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * math.random())
end

-- Per-neuron parameter arrays from one r per neuron.
local function cells(n, f)
  local p = {a = {}, b = {}, c = {}, d = {}}
  for i = 1, n do
    local a, b, c, d = f(math.random())
    p.a[i], p.b[i], p.c[i], p.d[i] = a, b, c, d
  end
  return p
end
local pe = cells(N_E, function(r) return 0.02, 0.2, -65 + 15 * r * r, 8 - 6 * r * r end)
local pi_ = cells(N_I, function(r) return 0.02 + 0.08 * r, 0.25 - 0.05 * r, -65, 2 end)

local exc = ember.population("exc", N_E, "izhikevich", pe)
local inh = ember.population("inh", N_I, "izhikevich", pi_)
for _, pair in ipairs({{exc, pe, N_E}, {inh, pi_, N_I}}) do
  local pop, p, n = pair[1], pair[2], pair[3]
  local u = {}
  for i = 1, n do u[i] = -65 * p.b[i] end
  pop:initialize{v = -65, u = u}
end

local n_syn = 0
for _, post in ipairs({exc, inh}) do
  n_syn = n_syn + #ember.connect(exc, post, ember.all_to_all(),
                                 {weight = ember.uniform(0, 0.5), delay = 1.0})
  n_syn = n_syn + #ember.connect(inh, post, ember.all_to_all(),
                                 {weight = ember.uniform(-1, 0), delay = 1.0,
                                  receptor = "inhibitory"})
end

-- Thalamic noise: one step_current per neuron, a new value every ms.
local steps = math.ceil(T)
local times = {}
for k = 1, steps do times[k] = k - 1 end
for _, pair in ipairs({{exc, N_E, 0.005}, {inh, N_I, 0.002}}) do
  local pop, n, sd = pair[1], pair[2], pair[3]
  for i = 0, n - 1 do
    local amp = {}
    for k = 1, steps do amp[k] = sd * randn() end
    ember.step_current{times = times, amplitudes = amp}:inject(pop, {i})
  end
end

exc:record("spikes")
inh:record("spikes")
ember.run(T)

local ne, ni = exc:spike_count(), inh:spike_count()
print(string.format("izhikevich T=%g exc_spikes=%d inh_spikes=%d spikes=%d synapses=%d "
                    .. "rate_exc=%.2f rate_inh=%.2f", T, ne, ni, ne + ni, n_syn,
                    ne / N_E / (T / 1000), ni / N_I / (T / 1000)))
