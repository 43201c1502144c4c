-- bad: a learning-rate schedule (a function of time) that fails during the run
local c = ember.ltc("c", {wiring = ember.fully_connected{units = 4, outputs = 1}, inputs = 2, seed = 3,
                          plasticity = ember.oja{eta = 0.05}})
ember.series{values = {{0.5, 1.0}, {1.0, 0.2}}, step = 1}:feed(c)
c:set{eta = function(t) if t >= 2 then error("no rate after 2 ms") end return 0.01 end}
ember.run(5)
