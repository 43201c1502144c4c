#!/bin/sh
# Script-level tests of the `ember` command: bad scripts (exit code and a message
# with the right "file.lua:LINE:"), good scripts (exact values, output files read
# back with `ember info`), the command line, SIGINT and SIGKILL.
# Environment: EMBER (the ember binary), SRCDIR (the repository root); both are
# set by `make check` (TESTS_ENVIRONMENT in Makefile.am).
# Prints one line per check, then "N passed, M failed"; exits 1 if any failed.

here=$(cd "$(dirname "$0")" && pwd)
suite=run_tests.sh
. "$here/common.sh"

# ------------------------------------------------------------ bad scripts ---
# script | expected exit code | expected text | second expected text (optional)
# The first text starts with "script.lua:LINE:", the line of the mistake.
bad_table() {
  cat <<'TABLE'
bad_unknown_model.lua|2|bad_unknown_model.lua:3: ember.population: unknown neuron model 'lif_cur_exp' (did you mean 'lif_curr_exp'?)|models: lif_curr_exp
bad_param_name.lua|2|bad_param_name.lua:2: ember.population: lif_curr_exp 'p' has no parameter 'tau_mm' (did you mean 'tau_m'?)|parameters: cm, tau_m, tau_refrac
bad_param_range.lua|2|bad_param_range.lua:3: ember.population:|parameter 'tau_m' = -20 ms is out of range
bad_type.lua|2|bad_type.lua:3: ember.population: argument 2 (n) must be a positive integer, got 'ten'|
bad_delay_negative.lua|2|bad_delay_negative.lua:5: ember.connect: delay must be > 0 ms, got -1|
bad_delay_zero.lua|2|bad_delay_zero.lua:4: ember.connect: delay must be > 0 ms, got 0|
bad_receptor.lua|2|bad_receptor.lua:4: ember.connect:|has no receptor 'gaba' (receptors: excitatory, inhibitory)
bad_empty_population.lua|2|bad_empty_population.lua:4: ember.population: argument 2 (n) must be a positive integer, got 0|
bad_spike_array_unsorted.lua|2|bad_spike_array_unsorted.lua:2: ember.spike_array:|ascending
nonexistent.lua|2|cannot read script|nonexistent.lua': No such file or directory
bad_syntax.lua|2|bad_syntax.lua:3:|unexpected symbol near '='
bad_connect_option.lua|2|bad_connect_option.lua:4: ember.connect: unknown option 'dealy' (did you mean 'delay'?)|allowed: weight, delay, receptor, autapses
bad_probability.lua|2|bad_probability.lua:4: ember.fixed_probability: argument 1 (p) must be a probability from 0 to 1, got 1.5|
bad_setup_late.lua|2|bad_setup_late.lua:3: ember.setup: must be called before anything is created|
bad_setup_key.lua|2|bad_setup_key.lua:2: ember.setup: unknown option 'sead' (did you mean 'seed'?)|
bad_record_variable.lua|2|bad_record_variable.lua:4: pop:record:|nothing called 'isyn_exc' to record (recordable: spikes, v, gsyn_exc, gsyn_inh)
bad_record_ids.lua|2|bad_record_ids.lua:3: pop:record:|neuron id 5 is out of range for 'p' (ids 0..4)
bad_weight_sign.lua|2|bad_weight_sign.lua:4: ember.connect:|weight -0.5
bad_reset_above_threshold.lua|2|bad_reset_above_threshold.lua:3: pop:set:|v_reset (-40 mV) must be below v_thresh (-50 mV)
bad_initialize_name.lua|2|bad_initialize_name.lua:3: pop:initialize:|no state variable 'tau_m' ('tau_m' is a parameter
bad_method_call.lua|2|bad_method_call.lua:3: pop:record: call it as a method|
bad_solver.lua|2|bad_solver.lua:2: ember.population:|unknown solver 'rk5'
bad_run_duration.lua|2|bad_run_duration.lua:4: ember.run: argument 1 (t) must be a finite duration >= 0 ms, got -5|
bad_field.lua|2|bad_field.lua:3: a population has no field or method 'lable'|
bad_param_array_length.lua|2|bad_param_array_length.lua:2: ember.population:|has 4 neurons, got 3 values for 'i_offset'
bad_from_list_row.lua|2|bad_from_list_row.lua:4: ember.from_list: row 2:|got -1
bad_duplicate_label.lua|2|bad_duplicate_label.lua:3: ember.population:|a population named 'exc' already exists
bad_dc_option.lua|2|bad_dc_option.lua:3: ember.dc: unknown option 'strat' (did you mean 'start'?)|
bad_rate_rule_param.lua|2|bad_rate_rule_param.lua:2: ember.oja: unknown parameter 'tau_decay'|allowed: eta, eta_decay, w_max, synapses, post, post_sigma, post_mu
bad_rate_rule_choice.lua|2|bad_rate_rule_choice.lua:2: ember.hebb: parameter 'synapses' = 'motor' is not one of 'internal', 'sensory', 'all'|
bad_ltc_eta_schedule.lua|2|bad_ltc_eta_schedule.lua:6: ember.run: the eta schedule of c at t = 2 ms: |bad_ltc_eta_schedule.lua:5: no rate after 2 ms
bad_izhikevich_c.lua|2|bad_izhikevich_c.lua:2: ember.population:|parameter 'c' = 35 mV is out of range: allowed [-inf, 30)
bad_adex_reset.lua|2|bad_adex_reset.lua:3: pop:set:|v_reset (-30 mV) must be below v_spike (-40 mV)
bad_hh_param.lua|2|bad_hh_param.lua:2: ember.population: hh_cond_exp 'hh' has no parameter 'g_Na'|parameters: gbar_Na, gbar_K
bad_lif_ltc_weight.lua|2|bad_lif_ltc_weight.lua:4: ember.connect:|weight -0.5 (synapse 0) is not allowed on the excitatory receptor of lif_ltc
fail_nonfinite.lua|1|fail_nonfinite.lua:5: ember.run:|population 'p' neuron 0
bad_ltc_series_channels.lua|2|bad_ltc_series_channels.lua:4: series:feed: the series has 2 channels but LTC population 'c' has 3 inputs|
bad_ltc_series_unsorted.lua|2|bad_ltc_series_unsorted.lua:2: ember.series: times must increase strictly (sample 3 at 2 ms after 5 ms)|
bad_ltc_series_file.lua|2|bad_ltc_series_file.lua:2: ember.series: cannot open '|tests/lua/no_such_series.csv': No such file or directory
bad_ltc_series_dataset.lua|2|bad_ltc_series_dataset.lua:3: ember.series:|has no dataset 'ref/nothing'
bad_ltc_csv_row.lua|2|bad_ltc_csv_row.lua:6: ember.series:|:3: 1 values, but the lines before have 2
bad_ltc_spec_key.lua|2|bad_ltc_spec_key.lua:2: ember.ltc: unknown spec key 'input' (did you mean 'inputs'?)|
bad_ltc_solver_option.lua|2|bad_ltc_solver_option.lua:2: ember.ltc: solver option 'ode_unfolds' applies to the fused solver, not to solver 'rk8pd'|
bad_ltc_plasticity.lua|2|bad_ltc_plasticity.lua:2: ember.ltc: 'plasticity' must be a rate rule|
bad_ltc_stdp.lua|2|bad_ltc_stdp.lua:5: ember.run: s_to_c: spike-timing plasticity needs spikes on both sides|
fail_ltc_nonfinite.lua|1|fail_ltc_nonfinite.lua:6: ember.run: LTC population 'c' neuron 0: v became|
TABLE
}

bad_table >"$tmp/table"
while IFS='|' read -r name code text1 text2; do
  run_bad "$name" "$code" "$text1" "$text2"
done <"$tmp/table"

# ------------------------------------------------ misspelled option names ---
# Typos must not silently use a default: a misspelled option, parameter, key or
# field of every constructor and method is an error at its line (exit 2). One
# case a line: name | the script's second line (the first is a comment) | text
# expected after "typo_NAME.lua:2: ". The first line defines P(), C() and L(),
# which make a population, a plastic projection and a small LTC circuit.
typo_table() {
  cat <<'TABLE'
setup_min_delay|ember.setup{min_dealy = 1}|ember.setup: unknown option 'min_dealy' (did you mean 'min_delay'?)
setup_threads|ember.setup{thread = 2}|ember.setup: unknown option 'thread' (did you mean 'threads'?)
setup_positional|ember.setup{1}|ember.setup: the option table has a key 1 that is not a name
setup_second_table|ember.setup({seed = 1}, {threads = 2})|ember.setup: too many arguments (at most 1), argument 2 is a table
time_argument|print(ember.time(5))|ember.time: too many arguments (at most 0), argument 1 is 5
models_argument|print(ember.models("lif"))|ember.models: too many arguments (at most 0), argument 1 is 'lif'
population_solver|ember.population("p", 2, "lif_cond_exp", {}, {abstoll = 1e-6})|ember.population: unknown solver option 'abstoll' (did you mean 'abstol'?)
population_solver_name|ember.population("p", 2, "lif_cond_exp", {}, {solvr = "rkf45"})|ember.population: unknown solver option 'solvr' (did you mean 'solver'?)
poisson_param|ember.poisson("q", 2, {rat = 5})|ember.poisson: poisson 'q' has no parameter 'rat' (did you mean 'rate'?)
connect_weight|local p = P(); ember.connect(p, p, ember.all_to_all(), {wieght = 0.1})|ember.connect: unknown option 'wieght' (did you mean 'weight'?)
connect_receptor|local p = P(); ember.connect(p, p, ember.all_to_all(), {weight = 0.1, receptr = "inhibitory"})|ember.connect: unknown option 'receptr' (did you mean 'receptor'?)
connect_autapses|local p = P(); ember.connect(p, p, ember.all_to_all(), {weight = 0.1, autapse = false})|ember.connect: unknown option 'autapse' (did you mean 'autapses'?)
connect_plasticity|local p = P(); ember.connect(p, p, ember.all_to_all(), {weight = 0.1, plastcity = ember.stdp{}})|ember.connect: unknown option 'plastcity' (did you mean 'plasticity'?)
connect_sigmoid|local p = P(); ember.connect(p, p, ember.all_to_all(), {weight = 0.1, sigmod = {}})|ember.connect: unknown option 'sigmod' (did you mean 'sigmoid'?)
connect_rule_table|local p = P(); ember.connect(p, p, ember.all_to_all(), {weight = 0.1, plasticity = {rule = "stdp", tau_pluss = 10}})|ember.connect: rule 'stdp' has no parameter 'tau_pluss' (did you mean 'tau_plus'?)
connect_sigmoid_key|ember.connect(L(), ember.ltc("b", {wiring = ember.fully_connected{units = 3, outputs = 1}, inputs = 1}), ember.all_to_all(), {weight = 0.1, sigmoid = {sigam = 5}})|ember.connect: unknown sigmoid key 'sigam' (did you mean 'sigma'?)
fixed_probability_options|ember.fixed_probability(0.1, {autapses = false})|ember.fixed_probability: too many arguments (at most 1), argument 2 is a table
from_list_named_weight|ember.from_list{{0, 1, w = 0.5}}|ember.from_list: row 1 has a key 'w'; a row is {i, j [, w [, d]]}, by position
uniform_options|ember.uniform(0, 1, {seed = 1})|ember.uniform: too many arguments (at most 2), argument 3 is a table
dc_amplitude|ember.dc{amplitdue = 0.5}|ember.dc: unknown option 'amplitdue' (did you mean 'amplitude'?)
step_current_times|ember.step_current{time = {1}, amplitudes = {1}}|ember.step_current: unknown option 'time' (did you mean 'times'?)
current_source_field|local s = ember.dc{amplitude = 1}; print(s.injct)|a current source has no field or method 'injct' (method: inject)
set_param|P():set{tau = 3}|pop:set: lif_curr_exp 'p' has no parameter 'tau' (did you mean 'tau_m'?)
get_options|P():get("v", {ids = {0}})|pop:get: too many arguments (at most 1), argument 2 is a table
get_name|P():get("tau_mm")|pop:get: lif_curr_exp has no parameter or state variable 'tau_mm'
record_interval|P():record("v", {intervall = 1})|pop:record: unknown option 'intervall' (did you mean 'interval'?)
record_ids|P():record("v", {id = {0}})|pop:record: unknown option 'id' (did you mean 'ids'?)
record_synapses_spiking|P():record("v", {synapses = {0}})|pop:record: record synapses: 'p' is not an LTC population
proj_record_interval|C():record("weight", {intervall = 1})|proj:record: unknown option 'intervall' (did you mean 'interval'?)
proj_record_synapses|C():record("weight", {synapse = {0}})|proj:record: unknown option 'synapse' (did you mean 'synapses'?)
proj_set_plasticity|C():set_plasticity{A_pluss = 0.1}|proj:set_plasticity: rule 'stdp' has no parameter 'A_pluss' (did you mean 'A_plus'?)
proj_get_plasticity|C():get_plasticity("A_pluss")|proj:get_plasticity: p_to_p: rule 'stdp' has no parameter 'A_pluss'
proj_set_plasticity_options|C():set_plasticity({A_plus = 0.1}, {at = 5})|proj:set_plasticity: too many arguments (at most 1), argument 2 is a table
proj_get_plasticity_options|C():get_plasticity("A_plus", {raw = true})|proj:get_plasticity: too many arguments (at most 1), argument 2 is a table
proj_set_weights_options|C():set_weights(0.2, {ids = {0}})|proj:set_weights: too many arguments (at most 1), argument 2 is a table
proj_field|print(C().recptor)|a projection has no field or method 'recptor'
stdp|ember.stdp{tau_pluss = 10}|ember.stdp: rule 'stdp' has no parameter 'tau_pluss' (did you mean 'tau_plus'?)
triplet|ember.triplet{tau_xx = 10}|ember.triplet: rule 'triplet' has no parameter 'tau_xx' (did you mean 'tau_x'?)
hebb|ember.hebb{etaa = 0.1}|ember.hebb: unknown parameter 'etaa' (did you mean 'eta'?)
bcm|ember.bcm{tau_thetaa = 5}|ember.bcm: unknown parameter 'tau_thetaa' (did you mean 'tau_theta'?)
ltc_spec|ember.ltc("c", {wirring = ember.fully_connected{units = 3}, inputs = 1})|ember.ltc: unknown spec key 'wirring' (did you mean 'wiring'?)
ltc_solver|ember.ltc("c", {wiring = ember.fully_connected{units = 3}, inputs = 1}, {ode_unfold = 3})|ember.ltc: unknown solver option 'ode_unfold' (did you mean 'ode_unfolds'?)
ltc_rule_table|ember.ltc("c", {wiring = ember.fully_connected{units = 3}, inputs = 1, plasticity = {rule = "oja", etaa = 1}})|ember.ltc: plasticity (ember.oja): unknown parameter 'etaa'
ltc_set|L():set{gleek = 1}|pop:set: ltc 'c' has no parameter 'gleek'
ltc_record_synapses|L():record("syn_current", {synapse = {0}})|pop:record: unknown option 'synapse' (did you mean 'synapses'?)
ncp|ember.ncp{inter = 4, command = 3, motor = 1, sensory_fanout = 2, inter_fanout = 2, recurrent_command_synapses = 2, motor_fanin = 2, moter = 1}|ember.ncp: unknown option 'moter' (did you mean 'motor'?)
auto_ncp|ember.auto_ncp{units = 10, outputs = 1, sparsty = 0.5}|ember.auto_ncp: unknown option 'sparsty' (did you mean 'sparsity'?)
fully_connected|ember.fully_connected{units = 3, self_connection = false}|ember.fully_connected: unknown option 'self_connection' (did you mean 'self_connections'?)
random_wiring|ember.random_wiring{units = 3, sparsity = 0.5, output = 1}|ember.random_wiring: unknown option 'output' (did you mean 'outputs'?)
series|ember.series{valuse = {1, 2}, step = 1}|ember.series: unknown option 'valuse' (did you mean 'values'?)
series_step|ember.series{values = {1, 2}, stpe = 1}|ember.series: unknown option 'stpe' (did you mean 'step'?)
series_field|local s = ember.series{values = {1, 2}, step = 1}; print(s.chanels)|a series has no field or method 'chanels'
TABLE
}

typo_lib='local function P() return ember.population("p", 2, "lif_curr_exp") end
local function C() local p = P(); return ember.connect(p, p, ember.all_to_all(), {weight = 0.1, plasticity = ember.stdp{}}) end
local function L() return ember.ltc("c", {wiring = ember.fully_connected{units = 3, outputs = 1}, inputs = 1}) end'
typo_table >"$tmp/typos"
while IFS='|' read -r name line text; do
  printf '%s %s\n%s\n' "$(printf '%s' "$typo_lib" | tr '\n' ' ')" "-- $name" "$line" >"$tmp/typo_$name.lua"
  "$EMBER" run "$tmp/typo_$name.lua" -o "$tmp/out-typo" --quiet >"$tmp/stdout" 2>"$tmp/stderr"
  rc=$?
  if [ "$rc" = 2 ] && contains "$tmp/stderr" "typo_$name.lua:2: $text"; then
    ok "typo $name: exit 2, $text"
  else
    fail "typo $name: exit $rc, expected 2 and \"typo_$name.lua:2: $text\"" "$tmp/stderr"
  fi
done <"$tmp/typos"

# A failed run still leaves readable, closed files.
if "$EMBER" info "$tmp/out-fail_nonfinite.lua" >"$tmp/info" 2>&1 && contains "$tmp/info" "p "; then
  ok "fail_nonfinite.lua: the output of a failed run opens with ember info"
else
  fail "fail_nonfinite.lua: ember info on the output of a failed run" "$tmp/info"
fi

# ------------------------------------------------------------ good scripts ---
# run_good NAME EXPECTED_STDOUT [extra ember options]
run_good() {
  name=$1 text=$2
  shift 2
  "$EMBER" run "$LUADIR/$name" -o "$tmp/out-$name" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
  rc=$?
  if [ "$rc" != 0 ]; then
    cat "$tmp/stdout" >>"$tmp/stderr"
    fail "$name: exit $rc" "$tmp/stderr"
  elif ! contains "$tmp/stdout" "$text"; then
    fail "$name: output lacks \"$text\"" "$tmp/stdout"
  else
    ok "$name: $text"
  fi
}

run_good good_lif_regular.lua "exact spike times ok" --quiet
run_good good_api.lua "api ok" --quiet --threads 2
run_good good_network.lua "simulated 500 ms"
# ncps' fc8 reference run through the script API: its last outputs are 0.11504, 0.627473
run_good good_ltc.lua "ltc ok: fc output 0.115040 0.627473" --quiet --threads 2
if "$EMBER" info "$tmp/out-good_ltc.lua" >"$tmp/info" 2>&1 && contains "$tmp/info" "LTC circuits" &&
   awk '$1 == "fc" && $2 == 8 && $3 == 3 && $4 == 2 { f = 1 } END { exit !f }' "$tmp/info" &&
   awk '$1 == "output" && $2 == "fc" && $3 == 2 && $4 == 40 { f = 1 } END { exit !f }' "$tmp/info"; then
  ok "ember info: LTC circuit fc (8 neurons, 3 inputs, 2 outputs) and its output report (2 x 40)"
else
  fail "ember info on good_ltc.lua's output" "$tmp/info"
fi
# file names in scripts are relative to the script: run it by a relative name
# from the repository root, and from an unrelated directory
for from in "$SRCDIR" "$tmp"; do
  rel=$(cd "$from" && "$EMBER" run "$([ "$from" = "$SRCDIR" ] && echo tests/lua || echo "$LUADIR")/good_ltc.lua" \
        --quiet 2>&1)
  case $rel in
  *"ltc ok: fc output 0.115040 0.627473"*) ok "good_ltc.lua run from $([ "$from" = "$SRCDIR" ] && echo "the root by a relative name" || echo "another directory"): paths relative to the script" ;;
  *) echo "$rel" >"$tmp/rel"; fail "good_ltc.lua from $from: script-relative paths" "$tmp/rel" ;;
  esac
done
run_good good_rate_rules.lua "rate rules ok" --quiet
run_good good_ltc_coupled.lua "ltc coupled ok" --quiet
# its per-synapse coupling currents: 8 synapses onto 4 neurons every 0.5 ms, 2 onto 2 every 1 ms
if "$EMBER" info "$tmp/out-good_ltc_coupled.lua" >"$tmp/info" 2>&1 &&
   awk '$1 == "current" && $2 == "stim_to_rec" && $3 == 8 && $4 == 30 && /onto 4 neurons/ { f = 1 } END { exit !f }' "$tmp/info" &&
   awk '$1 == "current" && $2 == "relay_to_rec" && $3 == 2 && $4 == 15 && /onto 2 neurons/ { f = 1 } END { exit !f }' "$tmp/info"; then
  ok "ember info: the coupling current reports (current.h5, per synapse)"
else
  fail "ember info on good_ltc_coupled.lua's output" "$tmp/info"
fi
run_good good_models.lua "models ok" --quiet

net="$tmp/out-good_network.lua"
if [ -f "$net/spikes.h5" ] && [ -f "$net/v.h5" ]; then
  ok "good_network.lua: wrote spikes.h5 and v.h5"
else
  fail "good_network.lua: spikes.h5 or v.h5 missing"
fi
"$EMBER" info "$net" >"$tmp/info" 2>&1
rc=$?
if [ "$rc" = 0 ] && awk '$1 == "exc" && $2 == 80 && $3 > 0 { found = 1 } END { exit !found }' "$tmp/info"; then
  ok "ember info: population exc, 80 neurons, a spike count > 0"
else
  fail "ember info on good_network.lua's output (exit $rc)" "$tmp/info"
fi
if contains "$tmp/info" "seed            11" && awk '$1 == "v" && $2 == "exc" && $3 == 3 && $4 == 5000 { f = 1 } END { exit !f }' "$tmp/info"; then
  ok "ember info: the script's seed and the recorded variable v (3 neurons, 5000 frames)"
else
  fail "ember info: seed or recorded variable" "$tmp/info"
fi

# --seed wins over ember.setup's seed, and ends up in the provenance
"$EMBER" run "$LUADIR/good_network.lua" -o "$tmp/seed" --seed 99 --quiet >/dev/null 2>&1
if "$EMBER" info "$tmp/seed" 2>&1 | grep -q "seed  *99$"; then
  ok "--seed 99 wins over ember.setup{seed = 11}"
else
  fail "--seed 99 is not the seed in the provenance"
fi

# the shorthand `ember SCRIPT.lua` and the default output directory
(cd "$tmp" && "$EMBER" "$LUADIR/good_lif_regular.lua" --quiet >/dev/null 2>&1)
rc=$?
if [ "$rc" = 0 ] && [ -f "$tmp/good_lif_regular-out/spikes.h5" ]; then
  ok "ember SCRIPT.lua writes to ./SCRIPT-out by default"
else
  fail "shorthand / default output directory (exit $rc)"
fi

# ------------------------------------------------------------ command line ---
# check_cmd NAME EXPECTED_EXIT EXPECTED_TEXT (in stdout or stderr) -- ARGS...
check_cmd() {
  name=$1 code=$2 text=$3
  shift 3
  "$EMBER" "$@" >"$tmp/cmd" 2>&1
  rc=$?
  if [ "$rc" = "$code" ] && contains "$tmp/cmd" "$text"; then
    ok "$name"
  else
    fail "$name: exit $rc (expected $code), expected \"$text\"" "$tmp/cmd"
  fi
}
check_cmd "ember --version" 0 "ember " --version
check_cmd "ember --help" 0 "ember run SCRIPT.lua" --help
check_cmd "ember run without a script: exit 2" 2 "no script given" run
check_cmd "ember run --threads 0: exit 2" 2 "--threads must be" run --threads 0 "$LUADIR/good_api.lua"
check_cmd "ember run --seed -1: exit 2" 2 "--seed must be" run --seed -1 "$LUADIR/good_api.lua"
check_cmd "ember run --bogus: exit 2" 2 "unknown option" run --bogus "$LUADIR/good_api.lua"
check_cmd "ember frobnicate: exit 2" 2 "unknown command" frobnicate
check_cmd "ember models lists lif_curr_exp" 0 "lif_curr_exp" models
check_cmd "ember models lif_cond_exp shows e_rev_E" 0 "e_rev_E" models lif_cond_exp
check_cmd "ember models poisson shows rate" 0 "rate" models poisson
check_cmd "ember models ltc shows tau_syn_E" 0 "tau_syn_E" models ltc
check_cmd "ember models lists ember.ltc" 0 "ember.ltc(label" models
check_cmd "ember models lif_ltc shows g_max_E" 0 "g_max_E" models lif_ltc
check_cmd "ember models bcm shows tau_theta" 0 "tau_theta" models bcm
check_cmd "ember models nosuch: exit 2" 2 "unknown model 'nosuch'" models nosuch
check_cmd "ember info on a missing directory fails" 1 "ember info:" info "$tmp/no-such-dir"

# ---------------------------------------------------------- signals, crash ---
# wait_exit PID SECONDS: waits for PID; kills it after SECONDS. Sets rc.
wait_exit() {
  n=0
  while kill -0 "$1" 2>/dev/null && [ "$n" -lt $(($2 * 10)) ]; do
    sleep 0.1
    n=$((n + 1))
  done
  if kill -0 "$1" 2>/dev/null; then
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    rc=timeout
    return
  fi
  wait "$1"
  rc=$?
}

# spikes_of POP FILE: the spike count of POP in `ember info` output
spikes_of() { awk -v p="$1" '$1 == p && NF == 4 { print $3; exit }' "$2"; }

# check_info_spikes WHAT CLAIM DIR: `ember info DIR` succeeds and counts spikes
# of exc (what a run of long_run.lua stopped by a signal must have left).
check_info_spikes() {
  "$EMBER" info "$3" >"$tmp/info" 2>&1
  rc=$?
  n=$(spikes_of exc "$tmp/info")
  if [ "$rc" = 0 ] && [ "${n:-0}" -gt 0 ]; then
    ok "$1: $2 ($n spikes of exc)"
  else
    fail "$1: ember info (exit $rc)" "$tmp/info"
  fi
}

# wait_spikes DIR SECONDS: waits until `ember info DIR` counts spikes of exc (the
# running long_run.lua has flushed some), at most SECONDS. A fixed sleep is not
# enough on a loaded machine: a background job starts with SIGINT ignored until
# ember installs its handler, so an early SIGINT is lost and the run goes on.
wait_spikes() {
  n=0
  while [ "$n" -lt $(($2 * 4)) ]; do
    "$EMBER" info "$1" >"$tmp/poll" 2>&1 && [ "$(spikes_of exc "$tmp/poll")" -gt 0 ] 2>/dev/null && return 0
    sleep 0.25
    n=$((n + 1))
  done
  return 1
}

"$EMBER" run "$LUADIR/long_run.lua" -o "$tmp/int" --quiet >"$tmp/int.out" 2>"$tmp/int.err" &
pid=$!
wait_spikes "$tmp/int" 60
kill -INT "$pid"
wait_exit "$pid" 30
if [ "$rc" = 130 ] && contains "$tmp/int.err" "interrupted at t = "; then
  ok "SIGINT: exit 130 and \"interrupted at t = ... ms\""
else
  fail "SIGINT: exit $rc, expected 130" "$tmp/int.err"
fi
check_info_spikes "SIGINT" "ember info reads the closed spikes.h5" "$tmp/int"

"$EMBER" run "$LUADIR/long_run.lua" -o "$tmp/kill" --quiet >/dev/null 2>&1 &
pid=$!
wait_spikes "$tmp/kill" 60
kill -9 "$pid"
wait "$pid" 2>/dev/null
check_info_spikes "SIGKILL after the first flush" "ember info reads what was flushed" "$tmp/kill"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
