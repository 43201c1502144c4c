-- bad: an unknown parameter set of the triplet rule
local pre = ember.poisson("pre", 5, {rate = 10})
local rule = ember.triplet{set = "visual"}
