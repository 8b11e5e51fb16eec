# Sourced by ./modelbridge, ./mbctl and ./run-tests: finds a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME, then the java on PATH, then the newest JDK in the system's JVM folder.

mb_java_major() { # prints the feature version of the java binary $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

mb_find_jdk() {
  local candidates=() home
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for home in $(ls -d /usr/lib/jvm/*/ /usr/local/lib/jvm/*/ /opt/java/*/ 2>/dev/null | sort -rV); do
    candidates+=("${home%/}")
  done
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      local major
      major=$(mb_java_major "$home/bin/java")
      if [ -n "$major" ] && [ "$major" -ge 21 ]; then
        echo "$home"
        return 0
      fi
    fi
  done
  return 1
}

if ! MB_JDK=$(mb_find_jdk); then
  echo "ModelBridge needs a JDK 21 or newer and found none (looked at JAVA_HOME, the PATH and /usr/lib/jvm)." >&2
  echo "Install one (for example: apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$MB_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
