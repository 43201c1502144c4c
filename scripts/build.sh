#!/bin/sh
# Configures (once) and builds Ember in the source tree. Extra arguments go to
# configure, e.g. `scripts/build.sh --disable-viz`.
set -eu
cd "$(dirname "$0")/.."
if [ ! -x configure ]; then
  autoreconf -fi
fi
if [ ! -f Makefile ] || [ "$#" -gt 0 ]; then
  ./configure "$@"
fi
make -j"$(nproc 2>/dev/null || echo 2)"
