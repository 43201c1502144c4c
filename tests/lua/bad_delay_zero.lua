-- bad: a zero synaptic delay (delays must be > 0)
local a = ember.poisson("a", 5, {rate = 10})
local b = ember.population("b", 5, "lif_curr_exp")
ember.connect(a, b, ember.one_to_one(), {weight = 0.1, delay = 0})
