-- bad: AdEx's v_reset above its spike detection threshold v_spike
local p = ember.population("adex", 2, "adex")
p:set{v_reset = -30}
