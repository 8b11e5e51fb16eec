#!/bin/sh
# The container's entry point (also run as is by DeployTopologyIT): takes the secrets from files, refreshes the
# bundled plugins in the plugins folder as ./modelbridge does, then execs the gateway so that it receives SIGTERM.
set -eu
home="${MODELBRIDGE_HOME:-/opt/modelbridge}"
secrets="${MODELBRIDGE_SECRETS_DIR:-/run/secrets}"

# Exports variable $1 from secret file $2 unless the variable is already set (the environment wins).
secret_from_file() {
  eval "current=\${$1:-}"
  if [ -z "$current" ] && [ -r "$secrets/$2" ]; then
    value="$(cat "$secrets/$2")"
    export "$1=$value"
  fi
}
secret_from_file MB_ADMIN_TOKEN mb_admin_token
secret_from_file MB_MASTER_KEY mb_master_key
secret_from_file MB_DB_PASSWORD mb_db_password

export MB_DATA_DIR="${MB_DATA_DIR:-/var/lib/modelbridge}"
export MB_PLUGINS_DIR="${MB_PLUGINS_DIR:-$MB_DATA_DIR/plugins}"
mkdir -p "$MB_PLUGINS_DIR"
for jar in "$home"/plugins/*.jar; do
  [ -e "$jar" ] || continue
  target="$MB_PLUGINS_DIR/$(basename "$jar")"
  if ! cmp -s "$jar" "$target"; then
    cp "$jar" "$target.part" && mv -f "$target.part" "$target"
  fi
done

# shellcheck disable=SC2086 # JAVA_OPTS is a list of JVM options
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" ${JAVA_OPTS:-} -jar "$home/modelbridge-gateway.jar" "$@"
