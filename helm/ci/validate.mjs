// Validates rendered manifests (helm template output on stdin) against the Kubernetes schemas of kubernetes-models
// (types, required fields, enums, formats of every built-in kind), the prometheus-operator models for
// ServiceMonitor, and a structural check of the Strimzi resources (no models are published for them). A kind this
// script does not know is an error, so nothing rendered goes unchecked. Then the chart's own rules: every container
// has requests and a memory limit, runs without privilege escalation unless it is the Docker-in-Docker sidecar, and
// the dashboard is valid JSON. Exit status 1 on any problem, each printed with the object it concerns.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const label = process.argv[2] ?? "manifests";
const docs = parseAllDocuments(readFileSync(0, "utf8")).map((d) => d.toJS()).filter((o) => o);
const problems = [];
const kinds = new Map();

async function modelFor(apiVersion, kind) {
  if (apiVersion === "monitoring.coreos.com/v1") {
    return (await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1"))[kind];
  }
  return require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
}

function strimzi(o, where) {
  const need = (cond, what) => cond || problems.push(`${where}: ${what}`);
  need(o.apiVersion === "kafka.strimzi.io/v1beta2", "apiVersion must be kafka.strimzi.io/v1beta2");
  need(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.metadata?.name ?? ""), "metadata.name must be a DNS label");
  if (o.kind === "Kafka") {
    need(typeof o.spec?.kafka?.version === "string", "spec.kafka.version (string) is required");
    need(Array.isArray(o.spec?.kafka?.listeners) && o.spec.kafka.listeners.length > 0, "spec.kafka.listeners required");
    for (const l of o.spec?.kafka?.listeners ?? []) {
      need(typeof l.name === "string" && Number.isInteger(l.port) && typeof l.tls === "boolean"
        && ["internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"].includes(l.type), `bad listener ${JSON.stringify(l)}`);
    }
    for (const [k, v] of Object.entries(o.spec?.kafka?.config ?? {})) {
      need(["number", "string", "boolean"].includes(typeof v), `spec.kafka.config.${k} must be a scalar`);
    }
  } else if (o.kind === "KafkaNodePool") {
    need(Number.isInteger(o.spec?.replicas) && o.spec.replicas > 0, "spec.replicas must be a positive integer");
    need(Array.isArray(o.spec?.roles) && o.spec.roles.every((r) => ["broker", "controller"].includes(r)), "spec.roles");
    need(o.metadata?.labels?.["strimzi.io/cluster"], "label strimzi.io/cluster names the Kafka resource");
    need(["jbod", "persistent-claim", "ephemeral"].includes(o.spec?.storage?.type), "spec.storage.type");
  } else {
    problems.push(`${where}: unknown Strimzi kind`);
  }
}

function podSpecOf(o) {
  if (["StatefulSet", "DaemonSet", "Deployment", "Job"].includes(o.kind)) return o.spec?.template?.spec;
  return undefined;
}

function chartRules(o, where) {
  const pod = podSpecOf(o);
  if (pod) {
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const at = `${where} container ${c.name}`;
      if (!c.resources?.requests?.memory || !c.resources?.requests?.cpu) problems.push(`${at}: cpu and memory requests required`);
      if (!c.resources?.limits?.memory) problems.push(`${at}: a memory limit is required`);
      const sc = c.securityContext ?? {};
      if (c.name === "dind") continue;
      if (sc.privileged) problems.push(`${at}: only the dind sidecar may be privileged`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation must be false`);
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) problems.push(`${at}: must drop ALL capabilities`);
    }
    if (pod.automountServiceAccountToken !== false) problems.push(`${where}: kwhisk needs no service account token`);
  }
  if (o.kind === "ConfigMap" && o.metadata?.name?.endsWith("-dashboard")) {
    try {
      const d = JSON.parse(o.data["kwhisk.json"]);
      if (!d.panels?.length || d.panels.some((p) => !p.targets?.length)) problems.push(`${where}: a panel without queries`);
    } catch (e) {
      problems.push(`${where}: dashboard is not JSON: ${e.message}`);
    }
  }
}

for (const o of docs) {
  const where = `${o.kind ?? "?"} ${o.metadata?.name ?? "?"}`;
  kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
  if (!o.apiVersion || !o.kind) { problems.push(`${where}: apiVersion and kind are required`); continue; }
  if (o.apiVersion.startsWith("kafka.strimzi.io/")) {
    strimzi(o, where);
  } else {
    let Model;
    try {
      Model = await modelFor(o.apiVersion, o.kind);
      if (!Model) throw new Error("no model");
    } catch {
      problems.push(`${where}: no schema known for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new Model(o).validate();
    } catch (e) {
      problems.push(`${where}: ${e.message}`);
    }
  }
  chartRules(o, where);
}

const summary = [...kinds].map(([k, n]) => `${n} ${k}`).join(", ");
if (problems.length) {
  console.error(`${label}: ${problems.length} problem(s) in ${docs.length} objects (${summary})`);
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
console.log(`${label}: ${docs.length} objects valid (${summary})`);
