# Sourced by ./run-tests (and by scripts/benchmark-limits with MB_NEED_WRK=1): the Redis rate-limit tests start
# Debian's redis-server; the benchmark also needs wrk. Installs what is missing (root or passwordless sudo), else
# says what to install.
MB_REDIS_PACKAGES=""
command -v redis-server >/dev/null 2>&1 || MB_REDIS_PACKAGES="redis-server"
if [ "${MB_NEED_WRK:-0}" = 1 ] && ! command -v wrk >/dev/null 2>&1; then MB_REDIS_PACKAGES="$MB_REDIS_PACKAGES wrk"; fi
if [ -n "$MB_REDIS_PACKAGES" ]; then
  echo "Installing Debian's$MB_REDIS_PACKAGES for the Redis rate-limit tests..." >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "The Redis rate-limit tests need:$MB_REDIS_PACKAGES (sudo apt-get install$MB_REDIS_PACKAGES)" >&2
    exit 1
  fi
  $SUDO apt-get update -qq >&2
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $MB_REDIS_PACKAGES >&2
fi
unset MB_REDIS_PACKAGES
