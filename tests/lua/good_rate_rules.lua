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
print("rate rules ok")
