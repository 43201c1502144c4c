-- bad: recording a variable the model does not have
local p = ember.population("p", 10, "lif_cond_exp")
p:record("spikes")
p:record({"v", "isyn_exc"})
