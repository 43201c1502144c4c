-- bad: plasticity must be a rate rule from ember.hebb / ember.oja / ember.bcm
local c = ember.ltc("c", {wiring = ember.fully_connected{units = 4}, inputs = 2,
                          plasticity = {rule = "stdp"}})
