-- bad: initializing a parameter as if it were a state variable
local p = ember.population("p", 3, "lif_curr_exp")
p:initialize{v = -60, tau_m = 10}
