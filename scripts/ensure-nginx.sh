# Sourced by ./run-tests: DeployTopologyIT runs the deploy kit's compose topology as processes with Debian's
# nginx, PostgreSQL 15 server and redis-server. Installs whichever is missing (root or passwordless sudo), else
# says what to install.
mb_topology_missing=()
[ -x /usr/sbin/nginx ] || mb_topology_missing+=(nginx-light)
[ -x /usr/lib/postgresql/15/bin/postgres ] || mb_topology_missing+=(postgresql-15)
[ -x /usr/bin/redis-server ] || mb_topology_missing+=(redis-server)
if [ "${#mb_topology_missing[@]}" -gt 0 ]; then
  echo "Installing Debian's ${mb_topology_missing[*]} for the deploy topology test..." >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "The deploy topology test needs: sudo apt-get install ${mb_topology_missing[*]}" >&2
    exit 1
  fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${mb_topology_missing[@]}" >&2
fi
unset mb_topology_missing
