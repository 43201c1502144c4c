-- bad (for now): a plastic LTC circuit that also receives spikes
local c = ember.ltc("c", {wiring = ember.fully_connected{units = 4}, inputs = 2,
                          plasticity = ember.hebb{eta = 0.01}})
local s = ember.spike_array("s", {{1.0}})
ember.connect(s, c, ember.all_to_all(), {weight = 0.1, delay = 1})
ember.run(10)
