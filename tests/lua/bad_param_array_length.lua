-- bad: an array of parameter values of the wrong length
local p = ember.population("p", 4, "lif_curr_exp", {i_offset = {0.1, 0.2, 0.3}})
