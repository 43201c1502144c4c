-- bad: time stamps that do not increase
local s = ember.series{values = {1, 2, 3},
                       times = {0, 5, 2}}
