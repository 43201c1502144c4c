-- bad: ode_unfolds belongs to the fused solver
local c = ember.ltc("c", {wiring = ember.fully_connected{units = 4}, inputs = 2},
                    {solver = "rk8pd", ode_unfolds = 6})
