-- bad: w_max below w_min
local pre = ember.poisson("pre", 5, {rate = 10})
local post = ember.population("post", 2, "lif_cond_exp")
local proj = ember.connect(pre, post, ember.all_to_all(), {weight = 0.01,
  plasticity = ember.stdp{w_min = 0.5, w_max = 0.2}})
