-- bad: a synapse index past the projection's end
local pre = ember.poisson("pre", 5, {rate = 10})
local post = ember.population("post", 2, "lif_cond_exp")
local proj = ember.connect(pre, post, ember.all_to_all(), {weight = 0.01})
proj:record("weight", {interval = 1, synapses = {0, 10}})
