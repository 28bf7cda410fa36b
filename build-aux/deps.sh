# Sourced by build-aux/test and build-aux/demo: the Debian 12 packages the
# project needs, and a function that installs those that are missing.

XGB_BUILD_PACKAGES=(
  meson ninja-build pkg-config gcc libc6-dev gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev
  libstrophe-dev libssl-dev libxml2-dev
  libsecret-1-dev   # optional (meson -Dlibsecret): remembered passwords
  desktop-file-utils
)
# What the window needs to look right on a bare machine (the SVG loader
# draws the app's icon and the symbolic icons).
XGB_RUNTIME_PACKAGES=(adwaita-icon-theme fonts-cantarell librsvg2-common)
# The demo grid and the integration tests run a private ejabberd.
XGB_SERVER_PACKAGES=(ejabberd openssl)
# Tests also run Prosody, a virtual X server and a D-Bus session, and list
# certificates from an NSS database (certutil, pk12util) and PKCS#11
# tokens (p11-kit), as the certificate picker does where they are installed.
XGB_TEST_PACKAGES=(prosody xvfb xauth dbus python3 procps libnss3-tools p11-kit
  appstream groff-base    # validate the metainfo, format the man pages
  gnome-keyring)          # a Secret Service for the remembered passwords
# The short fuzz runs of build-aux/test need clang and its libFuzzer.
XGB_FUZZ_PACKAGES=(clang libclang-rt-14-dev)
# build-aux/bench compares the app with a plain slixmpp client.
XGB_BENCH_PACKAGES=(python3-slixmpp)

xgb_sudo() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null; then
    sudo "$@"
  else
    echo "error: need root (or sudo) to run: $*" >&2
    return 1
  fi
}

# xgb_install_packages PACKAGE...: installs those not yet installed.
# The XMPP servers' own system services are neither started nor enabled:
# the project runs private instances on loopback only.
xgb_install_packages() {
  local missing=() pkg created_policy=0
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "Installing: ${missing[*]}"
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | xgb_sudo tee /usr/sbin/policy-rc.d >/dev/null
    xgb_sudo chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi

  local rc=0
  xgb_sudo apt-get update || rc=$?
  if [ $rc -eq 0 ]; then
    xgb_sudo env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends "${missing[@]}" || rc=$?
  fi

  [ $created_policy -eq 1 ] && xgb_sudo rm -f /usr/sbin/policy-rc.d
  if [ $rc -eq 0 ] && [ -d /run/systemd/system ]; then
    for pkg in ejabberd prosody; do
      if printf '%s\n' "${missing[@]}" | grep -qx "$pkg"; then
        xgb_sudo systemctl disable --now "$pkg" >/dev/null 2>&1 || true
      fi
    done
  fi
  return $rc
}

# xgb_build SOURCE_DIR BUILD_DIR [MESON_OPTION...]
xgb_build() {
  local src=$1 build=$2
  shift 2
  if [ -f "$build/build.ninja" ]; then
    meson setup --reconfigure "$build" "$src" "$@" >/dev/null
  else
    meson setup "$build" "$src" "$@"
  fi
  meson compile -C "$build"
}
