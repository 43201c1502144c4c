#!/bin/sh
# Quick start, line 1: install what is missing, build, run the default example.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh
./sim/ember run examples/quickstart.lua -o quickstart-out
echo "Output: $(pwd)/quickstart-out  (inspect with: ./sim/ember info quickstart-out)"
