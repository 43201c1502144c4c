-- bad: a 2-channel series fed to a circuit with 3 inputs
local c = ember.ltc("c", {wiring = ember.fully_connected{units = 4, outputs = 1}, inputs = 3})
local s = ember.series{values = {{1, 2}, {3, 4}}, step = 1}
s:feed(c)
