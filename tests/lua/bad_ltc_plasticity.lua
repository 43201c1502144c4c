-- bad (for now): rate-based plasticity on LTC weights is not merged yet
local c = ember.ltc("c", {wiring = ember.fully_connected{units = 4}, inputs = 2,
                          plasticity = {rule = "oja"}})
