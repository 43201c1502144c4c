-- bad: a population of zero neurons
ember.setup{seed = 2}

local p = ember.population("p", 0, "lif_curr_exp")
