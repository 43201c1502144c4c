-- bad: an unknown choice for which synapses learn
local rule = ember.hebb{synapses = "motor"}
