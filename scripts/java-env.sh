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
        echo "$major $home"
        return 0
      fi
    fi
  done
  return 1
}

# MB_JAVA_MAJOR: the found JDK's feature version, asked once (each ask starts a JVM)
read -r MB_JAVA_MAJOR MB_JDK <<<"$(mb_find_jdk || true)"
if [ -z "$MB_JDK" ]; then
  echo "ModelBridge needs a JDK 21 or newer and found none (looked at JAVA_HOME, the PATH and /usr/lib/jvm)." >&2
  echo "Install one (for example: apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME="$MB_JDK"
export PATH="$JAVA_HOME/bin:$PATH"

# Prints the JVM options every start of the gateway gets before MB_JAVA_OPTS (docs/operations.md, "JVM options"),
# measured with wrk in docs/benchmarks.md: on JDK 25 and newer, compact object headers (JEP 519: 8-byte object
# headers, less memory and less allocation per request); on a machine with at most 2 processors, the serial
# collector, unless MB_JAVA_OPTS picks a collector (the JVM picks G1 on 2 processors: the same CPU per request on an
# idle machine, more when other work shares the two cores; on more processors G1 stays). MB_JAVA_OPTS comes after
# these, so an option there wins (-XX:-UseCompactObjectHeaders turns that one off).
mb_default_jvm_opts() {
  local opts=()
  [ "$MB_JAVA_MAJOR" -ge 25 ] && opts+=(-XX:+UseCompactObjectHeaders)
  case " ${MB_JAVA_OPTS:-} " in
    *" -XX:+Use"*"GC "*) ;;
    *) [ "$(nproc 2>/dev/null || echo 4)" -le 2 ] && opts+=(-XX:+UseSerialGC) ;;
  esac
  echo "${opts[*]}"
}

# Prints the gateway's environment defaults as VAR=value words; a value already set wins. glibc's malloc in the
# embedded PostgreSQL (which inherits the gateway's environment) keeps up to 32 MiB free at its heap's top instead of
# giving memory back after each batch of usage rows and faulting it in again for the next (brk, page faults, TLB
# flushes: a third of its CPU per request under load; docs/benchmarks.md, "PostgreSQL's allocator"). The JVM's own
# heap is not malloc's, and the most it keeps back is 32 MiB per malloc arena.
mb_default_env() {
  echo "MALLOC_TRIM_THRESHOLD_=${MALLOC_TRIM_THRESHOLD_:-33554432} MALLOC_TOP_PAD_=${MALLOC_TOP_PAD_:-8388608}"
}

# Makes a start with the cache compile the methods the training compiled as soon as their classes are initialised,
# not once their counters say so (experimental in JDK 25): a restart reaches its steady throughput sooner
# (docs/benchmarks.md, "Compiling eagerly from the cache"). mb_aot_opts adds them unless MB_AOT_EAGER=off or this
# JVM does not know them.
MB_AOT_EAGER_OPTS="-XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly"

# Prints the JVM options of the start-up cache of jar $2, kept in folder $1 (docs/operations.md, "Warm start").
# JDK 25 and newer: the ahead-of-time cache (JEPs 483, 514, 515: classes loaded and linked, method profiles). A run
# with -XX:AOTCacheOutput records it, and the JVM writes it when that run exits (./modelbridge runs mb_aot_train
# first, so that run is the training run); every later start uses it (-XX:AOTCache). JDK 19 to 24: a dynamic CDS archive (classes only), created and refreshed the same way. The file
# name carries a digest of the JDK, the JVM options and the jar and its lib/ folder, so a rebuild, another JDK or
# other options (a cache recorded with other object headers or another collector cannot be used) record anew;
# older files are removed. A cache the JVM cannot use is ignored with a warning (the start goes on without it).
# MB_AOT=off prints nothing.
mb_aot_opts() {
  local dir=$1 jar=$2 version major key file eager=""
  [ "${MB_AOT:-on}" = off ] && return 0
  # One JVM start tells the version and whether this JVM knows the eager compilation's option (same -version text)
  # shellcheck disable=SC2086 # MB_AOT_EAGER_OPTS holds two options
  if [ "${MB_AOT_EAGER:-on}" != off ] && version="$("$JAVA_HOME/bin/java" $MB_AOT_EAGER_OPTS -version 2>&1)"; then
    eager=" $MB_AOT_EAGER_OPTS"
  else
    version="$("$JAVA_HOME/bin/java" -version 2>&1)"
  fi
  major="$(sed -n '1s/^[^"]*"\([0-9]*\).*/\1/p' <<<"$version")"
  [ -n "$major" ] && [ "$major" -ge 19 ] || return 0
  mkdir -p "$dir" || return 0
  # Nothing that may differ between two calls a minute apart (the training's, then the start's): not the ", sharing"
  # that -version prints only when the JDK's own CDS archive could be mapped, nor ls -l's block counts, which change
  # when freshly copied files are written back; names, sizes and modification times only.
  key="$( { echo "${version//, sharing/}"; echo "$(mb_default_jvm_opts) ${MB_JAVA_OPTS:-}"
    find "$jar" "$(dirname "$jar")/lib" -maxdepth 1 -type f -printf '%p %s %T@\n' 2>/dev/null | sort; } | cksum | cut -d' ' -f1)"
  if [ "$major" -ge 25 ]; then
    file="$dir/modelbridge-$key.aot"
    find "$dir" -maxdepth 1 -name 'modelbridge-*' ! -name "modelbridge-$key.*" -delete 2>/dev/null || true
    if [ ! -s "$file" ]; then
      echo "-XX:AOTCacheOutput=$file"
    elif [ "$major" = 25 ]; then
      # JDK 25 finds the cached adapter code by a hash of the method signature that is not unique (JDK-8364929, fixed
      # in 26): two adapters then fail to link, with two warnings at every start, and are generated as without a
      # cache. Not loading cached adapters at all ends the warnings and costs nothing measurable.
      echo "-XX:AOTCache=$file -XX:+UnlockDiagnosticVMOptions -XX:-AOTAdapterCaching$eager"
    else
      echo "-XX:AOTCache=$file$eager"
    fi
  else
    file="$dir/modelbridge-$key.jsa"
    find "$dir" -maxdepth 1 -name 'modelbridge-*' ! -name "modelbridge-$key.*" -delete 2>/dev/null || true
    echo "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$file"
  fi
}

# Records the ahead-of-time cache of jar $2 in folder $1 with a training run, when this build and JDK have none yet
# (JDK 25 and newer; nothing to do otherwise): the jar's --aot-training serves a bounded load through a gateway of its
# own (a throwaway data folder and embedded PostgreSQL, a loopback fake upstream; the bundled plugins from folder $3)
# and exits, and the JVM writes the cache. Returns non-zero, with the cache removed, when the training failed (its
# output is in $1/training.log) or was skipped: the cache (about 120 MiB) would not leave the database room on $1's disk.
mb_aot_train() {
  local dir=$1 jar=$2 plugins=$3 opts file log free
  opts="$(mb_aot_opts "$dir" "$jar")"
  case "$opts" in -XX:AOTCacheOutput=*) ;; *) return 0 ;; esac
  file="${opts#-XX:AOTCacheOutput=}"
  log="$dir/training.log"
  free="$(df -Pm "$dir" 2>/dev/null | awk 'NR == 2 { print $4 }')"
  if [ -n "$free" ] && [ "$free" -lt 512 ]; then
    echo "No start-up cache: only $free MiB free on the disk of $dir (the cache takes about 120 MiB; the training runs only with 512 MiB free, to leave the database room)." >&2
    return 1
  fi
  echo "Training the start-up cache of this build and JDK (once per build; about a minute)..." >&2
  # shellcheck disable=SC2086 # MB_JAVA_OPTS holds several options
  # Written under another name first: a training that is stopped half-way leaves no cache to use.
  if "$JAVA_HOME/bin/java" "-XX:AOTCacheOutput=$file.part" $(mb_default_jvm_opts) ${MB_JAVA_OPTS:-} -jar "$jar" --aot-training "$plugins" \
      >"$log" 2>&1 && [ -s "$file.part" ] && mv -f "$file.part" "$file"; then
    echo "Start-up cache written: $file" >&2
  else
    echo "The start-up cache training failed (its output: $log)." >&2
    rm -f "$file.part"
    return 1
  fi
}
