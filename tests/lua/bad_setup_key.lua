-- bad: an unknown key in ember.setup
ember.setup{sead = 42}
