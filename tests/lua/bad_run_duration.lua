-- bad: a negative run duration
local p = ember.population("p", 5, "lif_curr_exp")
ember.run(100)
ember.run(-5)
