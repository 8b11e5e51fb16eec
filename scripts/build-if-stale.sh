# Sourced with the repository root as the working directory: packages the project (tests skipped)
# when a built artifact is missing or any source or pom is newer than the last build.
# The stamp, not a jar, marks the build: Maven leaves a jar untouched when its own module did not change.
MB_BUILD_STAMP=gateway/target/.build-stamp
mb_stale() {
  local artifact
  for artifact in gateway/target/modelbridge-gateway.jar admin-cli/target/mbctl.jar \
      gateway/target/plugins/modelbridge-plugin-openai.jar "$MB_BUILD_STAMP"; do
    [ -f "$artifact" ] || return 0
  done
  [ -n "$(find . -path ./data -prune -o \( -name pom.xml -o -path '*/src/main/*' -o -path '*/src/generated/*' \) -newer "$MB_BUILD_STAMP" -print -quit)" ]
}
if mb_stale; then
  echo "Building ModelBridge (first run, or sources changed)..." >&2
  mkdir -p gateway/target && touch "$MB_BUILD_STAMP.next" # sources edited during the build stay newer
  ./mvnw -B -q -ntp -DskipTests package >&2
  mv -f "$MB_BUILD_STAMP.next" "$MB_BUILD_STAMP"
fi
