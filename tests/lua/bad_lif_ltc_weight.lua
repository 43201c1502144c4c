-- bad: a lif_ltc activation jump must be >= 0
local src = ember.spike_array("src", {{1.0}})
local p = ember.population("l", 1, "lif_ltc")
ember.connect(src, p, ember.all_to_all(), {weight = -0.5})
