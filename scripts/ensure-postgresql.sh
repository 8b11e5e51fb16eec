# Sourced by ./run-tests: DuplicateKeyInGermanIT runs Debian's PostgreSQL (its messages are translated; the
# embedded binaries' are not) with a German lc_messages built by localedef from the locales package.
# Installs both when either is missing (root or passwordless sudo), else says what to install.
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || [ ! -e /usr/share/i18n/locales/de_DE ]; then
  echo "Installing Debian's postgresql and locales for the admin API's localized-database test..." >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "DuplicateKeyInGermanIT needs postgresql and locales: sudo apt-get install postgresql locales" >&2
    exit 1
  fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql locales >&2
fi
