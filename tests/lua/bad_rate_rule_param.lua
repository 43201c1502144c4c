-- bad: a misspelled parameter of a rate rule; the message lists the valid names
local rule = ember.oja{eta = 0.01,
  tau_decay = 100}
