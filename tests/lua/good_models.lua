-- good: izhikevich, adex and hh_cond_exp run from a script and match an
-- independent integration (tools/model_refs.py: scipy DOP853 at 1e-12 with event
-- location, the equations written out from the papers / PyNN): spike count in
-- 1 s, and the first three and the last spike times within 1e-5 ms.
local function check(cond, what) if not cond then error("check failed: " .. what, 2) end end
local opts = {abstol = 1e-10, reltol = 1e-10, root_tol = 1e-10}

-- Izhikevich (2003) regular spiking: a 0.02, b 0.2, c -65, d 8, I = 10
-- (i_offset = 0.01 nA, since I = 1000 x nA), from v = -65, u = b v.
local izh = ember.population("izh", 1, "izhikevich", {a = 0.02, b = 0.2, c = -65, d = 8,
                                                      i_offset = 0.01}, opts)
izh:initialize{v = -65, u = -13}
-- AdEx with PyNN's EIF_cond_exp_isfa_ista defaults and 0.8 nA.
local adex = ember.population("adex", 1, "adex", {i_offset = 0.8}, opts)
-- Traub-Miles HH with PyNN's HH_cond_exp defaults and 0.5 nA, from the rest state.
local hh = ember.population("hh", 1, "hh_cond_exp", {i_offset = 0.5}, opts)
hh:initialize{v = -64.7646, m = 0.010227, h = 0.997410, n = 0.028167}
for _, p in ipairs({izh, adex, hh}) do p:record("spikes") end
ember.run(1000)

local ref = {   -- count, first three, last (ms), from tools/model_refs.py
  izh = {23, {3.127055, 26.226025, 71.057097}, 967.305371},
  adex = {17, {17.667408, 40.472745, 71.270278}, 971.157395},
  hh = {77, {4.548890, 17.521393, 30.492712}, 990.370154},
}
for _, p in ipairs({izh, adex, hh}) do
  local r, s = ref[p.label], p:spikes()
  local err = math.abs(s.times[#s.times] - r[3])
  for k = 1, 3 do err = math.max(err, math.abs(s.times[k] - r[2][k])) end
  print(string.format("%-5s %-12s %3d spikes (reference %d), max |t - reference| = %.2g ms",
                      p.label, p.model, p:spike_count(), r[1], err))
  check(p:spike_count() == r[1], p.label .. " spike count")
  check(err < 1e-5, p.label .. " spike times")
end
print("models ok")
