-- bad: a CSV series whose rows have different lengths (the file is written here)
local path = os.tmpname()
local f = io.open(path, "w")
f:write("a,b\n1,2\n3\n")
f:close()
local s = ember.series{file = path, step = 1}
