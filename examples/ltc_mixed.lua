-- A mixed network: spiking sensor neurons feed an LTC circuit, whose readout
-- drives spiking motor neurons.
--
--   Poisson stimulus A (0-500 ms) --> sensors_a (20 LIF) --exc--> \
--                                                                  NCP circuit "brain" --graded--> motor (2 LIF)
--   Poisson stimulus B (500-1000 ms) -> sensors_b (20 LIF) --inh--> /
--
-- Spikes reach LTC neurons through conductances that jump by the weight at each
-- arrival and decay with tau_syn_E / tau_syn_I (circuit units, reversal
-- potentials e_rev_E = +1, e_rev_I = -1). The circuit's motor neurons send a
-- current weight x readout (nA) to the spiking neurons, held over each 1 ms
-- communication interval at its value at the interval's start (docs/ltc.md).
--
--   ember run examples/ltc_mixed.lua -o /tmp/mixed
ember.setup{seed = 2, min_delay = 1}
local T = tonumber(os.getenv("EMBER_T") or 1000)

local stim_a = ember.poisson("stim_a", 50, {rate = 30, start = 0, stop = T / 2})
local stim_b = ember.poisson("stim_b", 50, {rate = 30, start = T / 2, stop = T})
local sensors_a = ember.population("sensors_a", 20, "lif_curr_exp", {tau_refrac = 2})
local sensors_b = ember.population("sensors_b", 20, "lif_curr_exp", {tau_refrac = 2})
ember.connect(stim_a, sensors_a, ember.fixed_probability(0.3), {weight = 0.5, delay = 1})
ember.connect(stim_b, sensors_b, ember.fixed_probability(0.3), {weight = 0.5, delay = 1})

-- The circuit: 10 inter, 6 command, 2 motor neurons; its 2 sensory inputs get a
-- constant series (the spikes are what changes).
local brain = ember.ltc("brain",
  {wiring = ember.ncp{inter = 10, command = 6, motor = 2, sensory_fanout = 3, inter_fanout = 3,
                      recurrent_command_synapses = 4, motor_fanin = 3},
   inputs = 2, seed = tonumber(os.getenv("EMBER_LTC_SEED") or 3)},
  {solver = "rk8pd", abstol = 1e-8, reltol = 1e-8})
ember.series{values = {{0.2, -0.2}}, step = T}:feed(brain)
brain:set{tau_syn_E = 5, tau_syn_I = 10}
-- Sensors reach the inter neurons (ids 8..17: motor 0-1, command 2-7, inter 8-17).
local inter = {}
for i = 8, 17 do inter[#inter + 1] = i end
local function to_inter(n)   -- every sensor to every inter neuron
  local rows = {}
  for i = 0, n - 1 do for _, j in ipairs(inter) do rows[#rows + 1] = {i, j} end end
  return ember.from_list(rows)
end
ember.connect(sensors_a, brain, to_inter(20), {weight = 0.2, delay = 1, receptor = "excitatory"})
ember.connect(sensors_b, brain, to_inter(20), {weight = 0.2, delay = 1, receptor = "inhibitory"})

-- The readout: motor neuron m of the circuit drives spiking neuron m.
local motor = ember.population("motor", 2, "lif_curr_exp", {i_offset = 0.6, tau_refrac = 2})
ember.connect(brain, motor, ember.from_list{{0, 0}, {1, 1}},
              {weight = 4.0})   -- nA per unit of readout

for _, p in ipairs{sensors_a, sensors_b, motor} do p:record("spikes") end
brain:record({"v", "output", "gsyn_exc", "gsyn_inh"}, {interval = 1})
motor:record("v", {interval = 0.5})

local function rate(p, t0, t1)
  local n, s = 0, p:spikes()
  for _, t in ipairs(s.times) do if t >= t0 and t < t1 then n = n + 1 end end
  return n / #p / ((t1 - t0) / 1000)
end
ember.run(T / 2)
local y1 = brain:get("output")
ember.run(T / 2)
local y2 = brain:get("output")
for h, half in ipairs{{0, T / 2, y1}, {T / 2, T, y2}} do
  print(string.format("%4d-%4d ms: sensors_a %5.1f Hz, sensors_b %5.1f Hz -> readout at the end "
                      .. "%6.3f %6.3f -> motor %5.1f Hz", half[1], half[2],
                      rate(sensors_a, half[1], half[2]), rate(sensors_b, half[1], half[2]),
                      half[3][1], half[3][2], rate(motor, half[1], half[2])))
end
