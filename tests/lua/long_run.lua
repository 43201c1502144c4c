-- good, but long: a network that runs for a long time (the test interrupts it
-- with SIGINT, or kills it with SIGKILL, and then reads what was written).
-- EMBER_TEST_DURATION (ms) shortens it for a quick look.
local duration = tonumber(os.getenv("EMBER_TEST_DURATION") or "") or 1e7
local exc = ember.population("exc", 400, "lif_cond_exp", {tau_refrac = 2})
exc:initialize{v = ember.uniform(-65, -50)}
local noise = ember.poisson("noise", 200, {rate = 40})
ember.connect(noise, exc, ember.fixed_probability(0.2), {weight = 0.005, delay = 1.0})
ember.connect(exc, exc, ember.fixed_probability(0.05), {weight = 0.001, delay = 1.0})
exc:record("spikes")
noise:record("spikes")
ember.run(duration)
