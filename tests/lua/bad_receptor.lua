-- bad: a receptor the model does not have
local a = ember.poisson("a", 5, {rate = 10})
local b = ember.population("b", 5, "lif_curr_exp")
ember.connect(a, b, ember.all_to_all(),
  {weight = 0.1, delay = 1, receptor = "gaba"})
