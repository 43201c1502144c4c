-- bad: a misspelled option of ember.dc
local p = ember.population("p", 4, "lif_curr_exp")
local src = ember.dc{amplitude = 0.5, strat = 10}
