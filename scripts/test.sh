#!/usr/bin/env bash
# The test command of the README: makes sure a Docker engine answers (installing docker.io when absent and root),
# builds the runtime images when their sources changed, smoke-tests them (nodejs and java runtimes over the
# action-runtime protocol), then runs every unit and integration test.
# Extra arguments go to Maven, e.g. `bash scripts/test.sh -pl invoker`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
bash scripts/build-runtimes.sh
bash runtimes/test-runtimes.sh --no-build
./mvnw -B -ntp verify "$@"
