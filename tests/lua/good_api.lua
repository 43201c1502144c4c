-- good: exercises the whole script API and checks what it returns.
local function check(cond, what) if not cond then error("check failed: " .. what, 2) end end
local function near(a, b, tol) return math.abs(a - b) <= (tol or 1e-6) * math.max(1, math.abs(b)) end
-- expect_error(substring, f, ...): f(...) must raise an error containing substring
local function expect_error(sub, f, ...)
  local ok, err = pcall(f, ...)
  check(not ok, "an error mentioning " .. sub)
  check(string.find(err, sub, 1, true), "error '" .. tostring(err) .. "' mentions '" .. sub .. "'")
end

ember.setup{seed = 7, min_delay = 0.5}
check(type(ember.version) == "string", "ember.version")
local models = ember.models()
check(#models >= 2, "ember.models()")
local found = false
for _, m in ipairs(models) do found = found or m == "lif_curr_exp" end
check(found, "lif_curr_exp is listed")

-- populations: numbers, distributions and arrays as parameter values
local a = ember.population("a", 4, "lif_curr_exp",
  {tau_m = {10, 20, 30, 40}, v_thresh = -52, cm = ember.uniform(0.5, 1.5)})
check(a.label == "a" and a.size == 4 and #a == 4 and a.model == "lif_curr_exp", "population fields")
check(tostring(a):find("population 'a'", 1, true), "tostring(pop)")
local tau = a:get("tau_m")
check(#tau == 4 and tau[1] == 10 and tau[4] == 40, "array parameter")
for _, c in ipairs(a:get("cm")) do check(c >= 0.5 and c < 1.5, "uniform cm " .. c) end
a:set{v_thresh = -48}
check(a:get("v_thresh")[3] == -48, "pop:set")
a:initialize{v = ember.normal(-60, 1)}
check(#a:get("v") == 4, "pop:get state")
check(a.solver == "exact", "default solver of lif_curr_exp")
local c = ember.population("c", 3, "lif_cond_exp", nil, {solver = "rk8pd", abstol = 1e-8})
check(c.solver == "rk8pd", "solver option")

-- errors raised by the API carry the script position and name what is wrong
-- (called through a Lua function so that the position is this file's line)
expect_error("argument 2 (n) must be a positive integer, got -3",
  function() ember.population("x", -3, "lif_curr_exp") end)
expect_error("good_api.lua:", function() ember.population("x", -3, "lif_curr_exp") end)
expect_error("did you mean 'v_thresh'", function() a:set{v_thres = 1} end)
expect_error("unknown option 'wieght' (did you mean 'weight'?)",
  function() ember.connect(a, a, ember.all_to_all(), {wieght = 1}) end)
expect_error("must be called before anything is created", function() ember.setup{seed = 1} end)

-- sources and connectors
local src = ember.spike_array("src", {{5.0, 15.0}, {}, {25.0}})
check(#src == 3 and src.model == "spike_array", "spike_array size")
local noise = ember.poisson("noise", 10, {rate = 50, start = 0, stop = 100})
check(noise:get("rate")[1] == 50, "poisson rate")

local p1 = ember.connect(src, a, ember.all_to_all(), {weight = 2.0, delay = 1.0})
check(#p1 == 12 and p1.size == 12, "all_to_all size")
check(p1.pre == src and p1.post == a, "proj.pre / proj.post")
local p2 = ember.connect(a, a, ember.all_to_all(), {weight = 0.1, delay = 0.5, autapses = false})
check(#p2 == 12, "all_to_all without autapses: " .. #p2)
local p3 = ember.connect(noise, c, ember.fixed_number_pre(4),
  {weight = ember.uniform(0.001, 0.002), delay = ember.uniform(0.5, 1.5)})
check(#p3 == 12, "fixed_number_pre size")
for _, w in ipairs(p3:weights()) do check(w >= 0.001 and w < 0.002 + 1e-9, "uniform weight " .. w) end
local p4 = ember.connect(a, c, ember.fixed_probability(0), {weight = 0.01})
check(#p4 == 0, "fixed_probability(0)")
local p5 = ember.connect(src, c, ember.from_list{{0, 0, 0.5, 2.0}, {2, 1}, {1, 2, 0.25}},
  {weight = 0.125, delay = 1.0})
local rows = p5:connections()
check(#rows == 3, "from_list size")
-- storage order is by pre, then creation: (0,0), (1,2), (2,1)
check(rows[1][1] == 0 and rows[1][2] == 0 and near(rows[1][3], 0.5) and near(rows[1][4], 2.0), "row 1")
check(rows[2][1] == 1 and rows[2][2] == 2 and near(rows[2][3], 0.25) and near(rows[2][4], 1.0), "row 2")
check(rows[3][1] == 2 and rows[3][2] == 1 and near(rows[3][3], 0.125), "row 3")
p5:set_weights(0.3)
for _, w in ipairs(p5:weights()) do check(near(w, 0.3, 1e-6), "set_weights") end
p5:set_weights({0.5, 0.25, 0.75})   -- one per synapse, in storage order
local w5 = p5:weights()
check(near(w5[1], 0.5) and near(w5[2], 0.25) and near(w5[3], 0.75), "set_weights array")
local ok, err = pcall(p5.set_weights, p5, {0.5, 0.25})
check(not ok and err:find("2 weights given for 3 synapses", 1, true), "set_weights array length: " .. tostring(err))
ok, err = pcall(p5.set_weights, p5, {0.5, -0.25, 0.1})
check(not ok and near(p5:weights()[2], 0.25), "a rejected array changes nothing")
local p6 = ember.connect(a, a, ember.one_to_one(), {weight = -0.1, receptor = "inhibitory"})
check(#p6 == 4 and p6.receptor == "inhibitory", "one_to_one inhibitory")

-- current sources: a DC step into neuron 0 of d only
local d = ember.population("d", 2, "lif_curr_exp")
ember.dc{amplitude = 1.0, start = 10, stop = 200}:inject(d, {0})
ember.step_current{times = {0, 50}, amplitudes = {0.1, 0.0}}:inject(d)

a:record("spikes")
d:record({"spikes", "v"}, {interval = 0.5, ids = {0, 1}})
c:record("v", {interval = 1.0})

-- several runs continue one another
ember.run(100)
check(ember.time() == 100, "ember.time after one run")
ember.run(150)
check(ember.time() == 250, "ember.time after two runs")
local ds = d:spikes()
check(d:spike_count() > 0 and #ds.times == d:spike_count(), "the DC-driven neuron fires")
for _, id in ipairs(ds.ids) do check(id == 0, "only neuron 0 of d gets the DC") end
for k = 2, #ds.times do check(ds.times[k] >= ds.times[k - 1], "spikes in time order") end
check(a:spike_count() > 0, "spike_array input makes a fire")
expect_error("does not record spikes", function() c:spikes() end)
expect_error("structure is fixed", function() ember.population("late", 1, "lif_curr_exp") end)
print("api ok", a:spike_count(), d:spike_count())
