-- bad: Izhikevich's reset c must stay below the 30 mV peak
local p = ember.population("izh", 10, "izhikevich",
  {a = 0.02, b = 0.2, c = 35, d = 8})
