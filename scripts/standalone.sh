#!/usr/bin/env bash
# The README's first command: runs kwhisk standalone (embedded Kafka broker, a controller and an invoker in one
# JVM) on port 3233. Installs and starts what is missing: a JDK and the Docker engine (apt, when root), the runtime
# images (built locally on first run), and kwhisk itself (Maven wrapper, when sources are newer than the jar).
# Settings come from the environment, e.g. KWHISK_CONTROLLER_PORT=3233, KWHISK_STANDALONE_DATA_DIR=.kwhisk,
# KWHISK_INVOKER_KEEP_ALIVE=10s; JVM options from KWHISK_JAVA_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v java >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "standalone: a JDK 17+ is required (java and javac not found); install one or run as root" >&2
    exit 1
  fi
  apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless >/dev/null
fi
bash scripts/ensure-docker.sh
bash scripts/build-runtimes.sh

JAR=standalone/target/kwhisk-standalone.jar
if [ ! -f "$JAR" ] || [ -n "$(find pom.xml common broker controller invoker standalone \
     \( -name '*.java' -o -name 'pom.xml' -o -name '*.xml' -o -name '*.conf' \) -newer "$JAR" -print -quit)" ]; then
  echo "standalone: building kwhisk (./mvnw install -DskipTests)" >&2
  ./mvnw -q -B -ntp install -DskipTests -pl standalone -am
fi
exec java ${KWHISK_JAVA_OPTS:-} -jar "$JAR" "$@"
