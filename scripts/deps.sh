#!/usr/bin/env bash
# Installs the Debian 12 packages dbsprog needs, only those missing (fast when all are there).
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libeigen3-dev nlohmann-json3-dev libcli11-dev      # core + CLI
  libgtest-dev libbenchmark-dev libnifti2-dev        # tests (NIfTI read-back) + benchmarks
  libglfw3-dev libimgui-dev libstb-dev libepoxy-dev libgl-dev libgl1-mesa-dri  # renderer + GUI
  fonts-dejavu-core                                  # the window's font (µ, Ω, ²)
  xvfb xauth                                         # headless window for screenshots and GUI tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"
