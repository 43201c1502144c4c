-- bad: a parameter the projection's rule does not have, between runs
local pre = ember.poisson("pre", 5, {rate = 10})
local post = ember.population("post", 2, "lif_cond_exp")
local proj = ember.connect(pre, post, ember.all_to_all(), {weight = 0.01, plasticity = ember.triplet{}})
ember.run(10)
proj:set_plasticity{A_plus = 0.01}
