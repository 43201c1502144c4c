-- bad: an unknown weight dependence
local pre = ember.poisson("pre", 5, {rate = 10})
local post = ember.population("post", 2, "lif_cond_exp")
ember.connect(pre, post, ember.all_to_all(), {weight = 0.01,
  plasticity = ember.stdp{weight_dependence = "soft"}})
