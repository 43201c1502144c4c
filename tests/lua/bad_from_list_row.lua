-- bad: a from_list row with a negative id
local a = ember.spike_array("a", {{1.0}, {2.0}})
local b = ember.population("b", 2, "lif_curr_exp")
local c = ember.from_list{{0, 1, 0.5}, {-1, 0, 0.5}}
