-- bad: a series file that does not exist
local s = ember.series{file = "no_such_series.csv", step = 1}
