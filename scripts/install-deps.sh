#!/bin/sh
# Installs the Debian 12 packages Ember needs to build and test, if any is
# missing. Run as root. Safe to run again: it does nothing when all are present.
set -eu

PACKAGES="build-essential autoconf automake libtool pkg-config
  libgsl-dev libhdf5-dev hdf5-tools liblua5.4-dev lua5.4 libcmocka-dev
  libsdl2-dev libsdl2-ttf-dev zlib1g-dev fonts-dejavu-core xvfb xauth
  python3 python3-h5py python3-numpy"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -z "$missing" ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing$missing"
if [ "$(id -u)" != 0 ]; then
  echo "install-deps: run as root (or with sudo) to install:$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
