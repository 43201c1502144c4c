-- bad: recording a neuron id past the end (ids are 0-based: 0..4)
local p = ember.population("p", 5, "lif_curr_exp")
p:record("v", {ids = {0, 5}})
