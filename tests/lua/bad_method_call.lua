-- bad: a method called with '.' instead of ':'
local p = ember.population("p", 5, "lif_curr_exp")
p.record("spikes")
