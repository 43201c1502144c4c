-- bad: a negative membrane time constant
local a = ember.population("a", 5, "lif_cond_exp")
local b = ember.population("b", 5, "lif_cond_exp", {tau_m = -20})
