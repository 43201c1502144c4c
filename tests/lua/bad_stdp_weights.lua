-- bad: initial weights outside [w_min, w_max], found at the first run
local pre = ember.poisson("pre", 5, {rate = 10})
local post = ember.population("post", 2, "lif_cond_exp")
ember.connect(pre, post, ember.all_to_all(), {weight = 0.5, plasticity = ember.stdp{w_max = 0.1}})
ember.run(10)
