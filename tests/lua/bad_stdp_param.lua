-- bad: a misspelled STDP parameter; the message lists the rule's parameters
local r = ember.stdp{tau_plus = 20, A_plsu = 0.01}
