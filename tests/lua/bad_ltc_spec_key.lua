-- bad: a misspelt key of ember.ltc's spec
local c = ember.ltc("c", {wiring = ember.auto_ncp{units = 10, outputs = 1},
                          input = 3})
