-- bad: a Lua syntax error on line 3
local p = ember.population("p", 10, "lif_curr_exp")
local x = = 3
