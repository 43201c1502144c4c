-- bad: two populations with the same label
local a = ember.population("exc", 4, "lif_curr_exp")
local b = ember.population("exc", 4, "lif_curr_exp")
