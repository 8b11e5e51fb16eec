# Sourced by ./run-tests: the Debian packages some integration tests run as real processes. Installs whichever
# are missing in one apt-get run (root or passwordless sudo), else says what to install.
#   chromium, chromium-driver  the portal's browser test (through chromedriver)
#   postgresql-15, locales     DuplicateKeyInGermanIT (Debian's server has translated messages; the embedded one
#                              does not) and DeployTopologyIT (the deploy kit's database)
#   nginx, redis-server  DeployTopologyIT and the Redis rate-limit tests
mb_missing=()
command -v chromium >/dev/null 2>&1 || mb_missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || mb_missing+=(chromium-driver)
[ -x /usr/lib/postgresql/15/bin/postgres ] || mb_missing+=(postgresql-15)
[ -e /usr/share/i18n/locales/de_DE ] || mb_missing+=(locales)
[ -x /usr/sbin/nginx ] || mb_missing+=(nginx)
[ -x /usr/bin/redis-server ] || mb_missing+=(redis-server)
if [ "${#mb_missing[@]}" -gt 0 ]; then
  echo "Installing Debian's ${mb_missing[*]} for the integration tests..." >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "The integration tests need: sudo apt-get install ${mb_missing[*]}" >&2
    exit 1
  fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${mb_missing[@]}" >&2
fi
unset mb_missing
