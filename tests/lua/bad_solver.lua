-- bad: an unknown solver method
local p = ember.population("p", 5, "lif_cond_exp", nil,
  {solver = "rk5"})
