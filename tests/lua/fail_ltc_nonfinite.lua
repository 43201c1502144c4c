-- fail: an absurd reversal potential and weight make an LTC neuron's v overflow
local c = ember.ltc("c", {wiring = ember.fully_connected{units = 3, outputs = 1}, inputs = 1}, {solver = "rkf45"})
c:set{e_rev_E = 1e300}
local s = ember.spike_array("s", {{0.5}})
ember.connect(s, c, ember.all_to_all(), {weight = 1e300, delay = 1})
ember.run(5)
