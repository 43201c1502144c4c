-- bad: a negative weight on an excitatory (current >= 0) receptor
local a = ember.poisson("a", 5, {rate = 10})
local b = ember.population("b", 5, "lif_curr_exp")
ember.connect(a, b, ember.all_to_all(), {weight = -0.5, delay = 1})
