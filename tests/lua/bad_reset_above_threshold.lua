-- bad: v_reset above v_thresh (a check across parameters)
local p = ember.population("p", 3, "lif_curr_exp", {v_thresh = -50})
p:set{v_reset = -40}
