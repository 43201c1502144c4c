-- bad: ember.setup after a population was created
local p = ember.population("p", 10, "lif_curr_exp")
ember.setup{seed = 5}
