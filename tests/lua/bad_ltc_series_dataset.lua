-- bad: a dataset that the HDF5 file does not have
local src = os.getenv("SRCDIR") or "."
local s = ember.series{file = src .. "/tests/data/ltc/fc8.h5", dataset = "ref/nothing", step = 1}
