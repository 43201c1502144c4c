-- bad: spike times that are not in ascending order
local s = ember.spike_array("s", {
  {1.0, 2.0, 3.0},
  {5.0, 4.0},
})
