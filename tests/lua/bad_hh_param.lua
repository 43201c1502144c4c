-- bad: a NEST-style name for an HH_cond_exp parameter
local p = ember.population("hh", 4, "hh_cond_exp",
  {g_Na = 20})
