-- bad: a connection probability above 1
local a = ember.poisson("a", 5, {rate = 10})
local b = ember.population("b", 5, "lif_curr_exp")
local conn = ember.fixed_probability(1.5)
ember.connect(a, b, conn, {weight = 0.1})
