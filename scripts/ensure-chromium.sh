# Sourced by ./run-tests: the portal's browser test drives Debian's Chromium through chromedriver.
# Installs both packages when either is missing (root or passwordless sudo), else says what to install.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  echo "Installing Debian's chromium and chromium-driver for the portal browser test..." >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "The portal browser test needs chromium and chromium-driver: sudo apt-get install chromium chromium-driver" >&2
    exit 1
  fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >&2
fi
