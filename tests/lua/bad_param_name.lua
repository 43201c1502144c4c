-- bad: a misspelled parameter; the message lists the valid names
local p = ember.population("p", 10, "lif_curr_exp",
  {tau_mm = 10})
