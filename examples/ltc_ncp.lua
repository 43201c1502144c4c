-- An NCP circuit (neural circuit policy, Lechner et al. 2020) of liquid
-- time-constant neurons driven by an 8-channel time series, recording each
-- neuron's state v, the readout, the liquid time constant tau and what drives
-- motor neuron 0: the current of each synapse onto it.
--
--   ember run examples/ltc_ncp.lua -o /tmp/ncp
--   ember info /tmp/ncp              # v.h5, output.h5, tau.h5, syn_current.h5, circuits/ncp.h5
--
-- Time: 1 ms of Ember time is one ncps step of elapsed time 1. With `step = 1`
-- and the fused solver with 6 unfolds, this is exactly what ncps computes for
-- the same parameters and sequence (docs/ltc.md).
ember.setup{seed = 1}
local K, T = 8, tonumber(os.getenv("EMBER_T") or 2000)   -- channels, samples of 1 ms

-- 16 inter, 8 command and 4 motor neurons (the readout is the motor neurons 0..3).
local ncp = ember.ltc("ncp",
  {wiring = ember.ncp{inter = 16, command = 8, motor = 4, sensory_fanout = 4, inter_fanout = 4,
                      recurrent_command_synapses = 6, motor_fanin = 4},
   inputs = K},
  {solver = "fused", ode_unfolds = 6})   -- or {solver = "rk8pd", abstol = 1e-8, reltol = 1e-8}

-- The input: channel k is a sine of period 100 + 37 k ms, and every channel
-- steps up by 0.5 at t = T/2. One sample per ms, held constant over it. A series
-- can also come from a file: ember.series{file = "x.csv", step = 1} or
-- ember.series{file = "x.h5", dataset = "inputs", step = 1}.
local rows = {}
for i = 0, T - 1 do
  local r = {}
  for k = 1, K do
    r[k] = math.sin(2 * math.pi * i / (100 + 37 * k)) + (i >= T // 2 and 0.5 or 0)
  end
  rows[i + 1] = r
end
ember.series{values = rows, step = 1}:feed(ncp)

ncp:record({"v", "tau"}, {interval = 1})
ncp:record("output", {interval = 1})      -- the 4 motor neurons
-- syn_current.h5: one column per synapse onto motor neuron 0, element id = the
-- synapse's index k; pop:get("synapses") tells its source (src[k + 1]).
ncp:record("syn_current", {interval = 1, ids = {0}})

ember.run(T // 2)
local function mean(t) local s = 0 for _, x in ipairs(t) do s = s + x end return s / #t end
local y1, tau1 = ncp:get("output"), mean(ncp:get("tau"))
ember.run(T - T // 2)
local y2, tau2 = ncp:get("output"), mean(ncp:get("tau"))
print(string.format("readout at %d ms: %.4f %.4f %.4f %.4f; mean tau %.3f ms", T // 2,
                    y1[1], y1[2], y1[3], y1[4], tau1))
print(string.format("readout at %d ms: %.4f %.4f %.4f %.4f; mean tau %.3f ms", T,
                    y2[1], y2[2], y2[3], y2[4], tau2))
local syn, cur = ncp:get("synapses"), ncp:get("syn_current")
for k = 1, #syn.src do
  if syn.dest[k] == 0 then
    print(string.format("  synapse %d: neuron %d -> motor 0 (polarity %+d), current %.4f now",
                        k - 1, syn.src[k], syn.polarity[k], cur[k]))
  end
end
