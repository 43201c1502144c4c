-- bad: a misspelled field of a population
local p = ember.population("p", 5, "lif_curr_exp")
print(p.lable)
