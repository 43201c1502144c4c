-- good: the rate-rule constructors return plain tables checked against the C
-- parameter tables (lib/plasticity/); choices by name become their codes.
local function check(cond, what) if not cond then error("check failed: " .. what, 2) end end
local function expect_error(sub, f, ...)
  local ok, err = pcall(f, ...)
  check(not ok, "an error mentioning " .. sub)
  check(string.find(err, sub, 1, true), "error '" .. tostring(err) .. "' mentions '" .. sub .. "'")
end

local h = ember.hebb{eta = 0.5, tau_decay = 10, synapses = "all", post = "rectified", w_max = 3}
check(h.rule == "hebb" and h.eta == 0.5 and h.tau_decay == 10 and h.w_max == 3, "hebb fields")
check(h.synapses == 2 and h.post == 1, "choices become codes")
local o = ember.oja{eta = 1e-3, synapses = 1}
check(o.rule == "oja" and o.eta == 1e-3 and o.synapses == 1, "oja fields")
check(o.post == nil, "parameters left out stay out (the C default applies)")
local b = ember.bcm{tau_theta = 5, theta0 = 0.5, post = "sigmoid", post_sigma = 4, post_mu = 0.2}
check(b.rule == "bcm" and b.tau_theta == 5 and b.theta0 == 0.5 and b.post == 2, "bcm fields")
check(ember.bcm().rule == "bcm", "no table: all defaults")

expect_error("good_rate_rules.lua:", function() ember.oja{etta = 1} end)
expect_error("ember.oja: unknown parameter 'etta' (did you mean 'eta'?); allowed: eta, eta_decay, w_max",
  function() ember.oja{etta = 1} end)
expect_error("ember.bcm: unknown parameter 'tau_decay'", function() ember.bcm{tau_decay = 1} end)
expect_error("parameter 'eta' = -1", function() ember.hebb{eta = -1} end)
expect_error("parameter 'tau_theta' = 0", function() ember.bcm{tau_theta = 0} end)
expect_error("parameter 'eta' must be a number, got 'fast'", function() ember.oja{eta = "fast"} end)
expect_error("is not one of 'linear', 'rectified', 'sigmoid'", function() ember.oja{post = "tanh"} end)

-- The learning rate of a plastic circuit is read and changed between runs with
-- pop:get / pop:set{eta = ...}: with eta = 0 the weights stay where they are.
local c = ember.ltc("c", {wiring = ember.fully_connected{units = 4, outputs = 1}, inputs = 2, seed = 3,
                          plasticity = ember.oja{eta = 0.05}})
ember.series{values = {{0.5, 1.0}, {1.0, 0.2}}, step = 1}:feed(c)
check(c:get("eta") == 0.05, "eta as given")
local d = ember.ltc("d", {wiring = ember.fully_connected{units = 2, outputs = 1}, inputs = 1})
local function weights() return c:get("w") end
local w0 = weights()
ember.run(5)
local w1 = weights()
local moved = 0
for k = 1, #w0 do moved = math.max(moved, math.abs(w1[k] - w0[k])) end
check(moved > 1e-6, "oja with eta 0.05 moves the weights (moved " .. moved .. ")")
c:set{eta = 0}
check(c:get("eta") == 0, "eta set to 0")
ember.run(5)
local w2 = weights()
for k = 1, #w1 do check(w2[k] == w1[k], "eta 0 keeps weight " .. k) end
-- eta as a function of time: evaluated when set and at the start of every
-- communication interval, holding over it.
local calls = {}
c:set{eta = function(t) calls[#calls + 1] = t; if t < 12 then return 0.05 else return 0 end end}
check(calls[1] == 10 and c:get("eta") == 0.05, "the schedule is evaluated when set (t = 10 ms)")
ember.run(2)
local w3 = weights()
moved = 0
for k = 1, #w3 do moved = math.max(moved, math.abs(w3[k] - w2[k])) end
check(moved > 1e-6, "eta(t) = 0.05 before 12 ms moves the weights")
ember.run(3)
check(c:get("eta") == 0, "eta(t) = 0 from 12 ms")
local w4 = weights()
for k = 1, #w3 do check(w4[k] == w3[k], "eta(t) = 0 keeps weight " .. k) end
check(#calls >= 4, "called at every interval start (" .. #calls .. " calls)")
for i = 2, #calls do check(calls[i] >= calls[i - 1] and calls[i] < 15, "interval starts in order") end
c:set{eta = 0}
local n_calls = #calls
ember.run(1)
check(#calls == n_calls, "a number ends the schedule")
expect_error("did not return a number", function() c:set{eta = function(t) return "fast" end} end)
expect_error("'eta' must be a number or a function of time", function() c:set{eta = "slow"} end)
expect_error("must be finite and >= 0", function() c:set{eta = -1} end)
expect_error("the circuit has no plasticity", function() d:set{eta = 0.1} end)
print("rate rules ok")
