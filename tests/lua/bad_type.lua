-- bad: the size of a population given as a string
local n = "ten"
local p = ember.population("p", n, "lif_curr_exp")
