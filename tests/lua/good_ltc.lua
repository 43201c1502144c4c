-- good: LTC populations from a script: building, series, get/set, recording,
-- graded currents into LIF neurons, spikes into LTC neurons, errors.
local function check(cond, what) if not cond then error("check failed: " .. what, 2) end end
local function expect_error(sub, f, ...)
  local ok, err = pcall(f, ...)
  check(not ok, "an error mentioning " .. sub)
  check(string.find(err, sub, 1, true), "error '" .. tostring(err) .. "' mentions '" .. sub .. "'")
end
-- file names are relative to this script's directory (tests/lua), wherever ember runs

ember.setup{seed = 4, min_delay = 1}
-- a circuit from ncps' reference file (8 neurons, 3 inputs, 2 outputs), fed its series
local fc = ember.ltc("fc", {params = "../data/ltc/fc8.h5"}, {solver = "fused", ode_unfolds = 6})
check(fc.size == 8 and fc.model == "ltc" and fc.solver == "fused", "fields of an LTC population")
local s = ember.series{file = "../data/ltc/fc8.h5", dataset = "ref/inputs", step = 1}
check(s.channels == 3 and s.length == 40, "series from HDF5: " .. tostring(s))
check(s:feed(fc) == s, "feed returns the series")
check(#fc:get("v") == 8 and #fc:get("output") == 2 and #fc:get("tau") == 8, "get sizes")
fc:record({"v", "output", "tau"}, {interval = 1})
-- per-synapse currents: every synapse onto neurons 0 and 1, and three input synapses
fc:record("syn_current", {interval = 1, ids = {0, 1}})
fc:record("sensory_current", {interval = 1, synapses = {0, 5, 23}})
expect_error("give 'ids'", function() fc:record("syn_current", {ids = {0}, synapses = {1}}) end)
expect_error("synapse 64 is out of range", function() fc:record("syn_current", {synapses = {64}}) end)
expect_error("synapses[2] must be a synapse index", function() fc:record("syn_current", {synapses = {1, -2}}) end)

-- circuit parameters: per neuron, per synapse (in the order of pop:get("synapses"))
local syn = fc:get("synapses")
check(#syn.src == 64 and #fc:get("w") == 64 and #fc:get("cm") == 8 and #fc:get("input_w") == 3,
      "parameter sizes")
check(#fc:get("sensory_synapses").dest == 24 and #fc:get("sensory_erev") == 24, "sensory synapses")
check(syn.dest[1] == 0 and syn.dest[64] == 7, "synapses are sorted by destination")
local cm = fc:get("cm")
fc:set{cm = cm, w = fc:get("w")}   -- a round trip leaves the circuit as it was
check(fc:get("cm")[4] == cm[4], "cm round trip")
expect_error("cm[2] = 0 must be > 0", function() fc:set{cm = {1, 1, 0, 1, 1, 1, 1, 1}} end)
expect_error("w[0] = -1 must be >= 0", function() fc:set{w = -1} end)
expect_error("has 64 w values", function() fc:set{w = {1, 2}} end)
check(fc:get("w")[1] > 0, "a refused set changes nothing")
check(#fc:get("syn_current") == 64, "currents at the present state")

-- a CSV series: comments, a header, one sample per line
local csv = os.tmpname()
local f = io.open(csv, "w")
f:write("# two channels\nleft,right\n0.5, -0.5\n1,0\n\n0,1\n")
f:close()
local cs = ember.series{file = csv, timespans = {2.5, 4, 10}}
os.remove(csv)
check(cs.channels == 2 and cs.length == 3, "CSV series: " .. tostring(cs))

-- a generated NCP with inline irregular samples and the rk8pd solver
local ncp = ember.ltc("ncp", {wiring = ember.ncp{inter = 6, command = 4, motor = 2, sensory_fanout = 2,
                                                  inter_fanout = 2, recurrent_command_synapses = 3,
                                                  motor_fanin = 2},
                              inputs = 2, seed = 9},
                      {solver = "rk8pd", abstol = 1e-9, reltol = 1e-9})
check(#ncp == 12, "NCP size")
cs:feed(ncp)
ncp:set{v = 0.2, tau_syn_E = 3, gleak = 0.5, sigma = 4}
check(ncp:get("gleak")[7] == 0.5 and ncp:get("sigma")[1] == 4, "pop:set of circuit parameters")
check(ncp:get("v")[12] == 0.2 and ncp:get("tau_syn_E")[1] == 3, "pop:set of v and tau_syn_E")
ncp:initialize{v = ember.uniform(-0.1, 0.1)}

-- a plastic circuit: Oja's rule on the sensory weights
local pl = ember.ltc("pl", {wiring = ember.fully_connected{units = 3, outputs = 1}, inputs = 2,
                            plasticity = ember.oja{eta = 0.05, synapses = "sensory"}})
ember.series{values = {{1, 0.2}, {0.3, 1}}, step = 10}:feed(pl)

-- spikes into the NCP, graded current out of it into LIF neurons
local stim = ember.spike_array("stim", {{1.5, 3.5}, {2.0}})
ember.connect(stim, ncp, ember.all_to_all(), {weight = 0.5, delay = 1, receptor = "excitatory"})
local lif = ember.population("lif", 2, "lif_curr_exp", {v_thresh = 100})
local g = ember.connect(ncp, lif, ember.from_list{{0, 0}, {1, 1}}, {weight = 2.0})
check(#g == 2, "graded projection size")

-- LTC -> LTC: a sigmoid synapse of the presynaptic v, held over each interval
local pl2 = ember.ltc("relay", {wiring = ember.fully_connected{units = 2, outputs = 1}, inputs = 1})
local l2 = ember.connect(ncp, pl2, ember.from_list{{0, 0}, {1, 1}},
                         {weight = 0.5, receptor = "inhibitory", sigmoid = {sigma = 4, mu = 0.2}})
check(#l2 == 2, "LTC -> LTC projection size")
expect_error("'delay' does not apply to a connection from LTC population 'ncp': its v is sampled",
             function() ember.connect(ncp, pl2, ember.all_to_all(), {weight = 1, delay = 2}) end)
expect_error("'sigmoid' is for connections between two LTC populations",
             function() ember.connect(stim, pl2, ember.all_to_all(), {weight = 1, sigmoid = {}}) end)
expect_error("unknown sigmoid key 'slope'",
             function() ember.connect(ncp, pl2, ember.all_to_all(), {weight = 1, sigmoid = {slope = 1}}) end)
expect_error("weight -1", function() ember.connect(ncp, pl2, ember.all_to_all(), {weight = -1}) end)
expect_error("does not spike", function() ncp:record("spikes") end)
expect_error("'delay' does not apply", function() ember.connect(ncp, lif, ember.all_to_all(), {weight = 1, delay = 2}) end)
expect_error("computed from v", function() ncp:set{tau = 1} end)
expect_error("has 2 channels but LTC population 'fc' has 3 inputs", function()
  ember.series{values = {{1, 2}}, step = 1}:feed(fc) end)

ember.run(5)
local v1 = fc:get("v")
check(ncp:get("gsyn_exc")[1] >= 0, "gsyn_exc readable")
ember.run(35)
local v2 = fc:get("v")
check(v1[1] ~= v2[1], "the circuit moved")
for _, t in ipairs(ncp:get("tau")) do check(t > 0, "tau > 0") end
check(math.abs(lif:get("v")[1] + 65) > 1e-3, "the graded current moved the LIF")
check(pl2:get("tau")[1] > 0, "the relay circuit ran")
print(string.format("ltc ok: fc output %.6f %.6f", fc:get("output")[1], fc:get("output")[2]))
