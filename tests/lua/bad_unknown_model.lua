-- bad: a neuron model that does not exist (a typo of lif_curr_exp)
ember.setup{seed = 1}
local p = ember.population("p", 10, "lif_cur_exp")
