# Sourced by ./run-tests (and scripts/benchmark and scripts/benchmark-limits, with MB_NEED_WRK=1): the Debian packages
# some tests run as real processes. Installs whichever are missing in one apt-get run (root or passwordless sudo), else
# says what to install. No service starts during the install (the packages would start a system nginx on port 80 and a
# PostgreSQL cluster on 5432): the tests run their own, on 127.0.0.1 and ephemeral ports.
#   chromium, chromium-driver  the portal's browser test (through chromedriver)
#   postgresql-15, locales     DuplicateKeyInGermanIT (Debian's server has translated messages; the embedded one
#                              does not) and DeployTopologyIT (the deploy kit's database)
#   nginx                      DeployTopologyIT (the deploy kit's load balancer)
#   redis-server               the Redis rate-limit tests and DeployTopologyIT
#   wrk                        only with MB_NEED_WRK=1: the load tool of scripts/benchmark and scripts/benchmark-limits
mb_missing=()
command -v chromium >/dev/null 2>&1 || mb_missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || mb_missing+=(chromium-driver)
[ -x /usr/lib/postgresql/15/bin/postgres ] || mb_missing+=(postgresql-15)
[ -e /usr/share/i18n/locales/de_DE ] || mb_missing+=(locales)
[ -x /usr/sbin/nginx ] || mb_missing+=(nginx)
command -v redis-server >/dev/null 2>&1 || mb_missing+=(redis-server)
if [ "${MB_NEED_WRK:-0}" = 1 ] && ! command -v wrk >/dev/null 2>&1; then mb_missing+=(wrk); fi
if [ "${#mb_missing[@]}" -gt 0 ]; then
  echo "Installing Debian's ${mb_missing[*]} for the tests..." >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "The tests need: sudo apt-get install ${mb_missing[*]}" >&2
    exit 1
  fi
  mb_policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod 755 /usr/sbin/policy-rc.d \
      && mb_policy_added=1
  fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${mb_missing[@]}" >&2
  [ "$mb_policy_added" = 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d
  unset mb_policy_added
fi
unset mb_missing
