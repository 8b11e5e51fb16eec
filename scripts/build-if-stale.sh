# Sourced with the repository root as the working directory: packages the project (tests skipped)
# when a built artifact is missing or any source or pom is newer than it.
mb_stale() {
  local artifact
  for artifact in gateway/target/modelbridge-gateway.jar admin-cli/target/mbctl.jar gateway/target/plugins/modelbridge-plugin-openai.jar; do
    [ -f "$artifact" ] || return 0
  done
  [ -n "$(find . -path ./data -prune -o \( -name pom.xml -o -path '*/src/main/*' \) -newer gateway/target/modelbridge-gateway.jar -print -quit)" ]
}
if mb_stale; then
  echo "Building ModelBridge (first run, or sources changed)..." >&2
  ./mvnw -B -q -ntp -DskipTests package >&2
fi
