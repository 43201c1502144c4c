-- fails at run time: a tiny capacitance and a huge current drive v to NaN;
-- ember must exit 1 (not 2), name the neuron, and still close the output files.
local p = ember.population("p", 2, "lif_cond_exp", {cm = 1e-300, i_offset = 1e10})
p:record("spikes")
ember.run(10)
print("not reached")
