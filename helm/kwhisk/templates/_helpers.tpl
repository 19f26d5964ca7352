{{/* The release's name prefix of every object. */}}
{{- define "kwhisk.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "kwhisk.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: include "kwhisk.selector" (list . "controller") */}}
{{- define "kwhisk.selector" -}}
{{- $ := index . 0 -}}
app.kubernetes.io/name: {{ $.Chart.Name }}
app.kubernetes.io/instance: {{ $.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{- define "kwhisk.image" -}}
{{- $ := index . 0 -}}
{{- printf "%skwhisk/%s:%s" $.Values.image.registry (index . 1) $.Values.image.tag -}}
{{- end -}}

{{- define "kwhisk.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "kwhisk.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* host:port of the Kafka cluster every component uses. */}}
{{- define "kwhisk.bootstrapServers" -}}
{{- if eq .Values.kafka.mode "strimzi" -}}
{{- printf "%s-kafka-bootstrap:9092" .Values.kafka.strimzi.name -}}
{{- else -}}
{{- .Values.kafka.external.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{/* Environment every kwhisk process gets: Kafka and its client settings (secret ones from a Secret). */}}
{{- define "kwhisk.kafkaEnv" -}}
- name: KWHISK_KAFKA_BOOTSTRAP_SERVERS
  value: {{ include "kwhisk.bootstrapServers" . | quote }}
{{- if and (eq .Values.kafka.mode "external") .Values.kafka.external.saslJaasSecret }}
- name: KWHISK_KAFKA_CLIENT_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.external.saslJaasSecret }}
      key: sasl.jaas.config
{{- end }}
{{- if and (eq .Values.kafka.mode "external") .Values.kafka.external.tlsTruststoreSecret }}
- name: KWHISK_KAFKA_CLIENT_SSL_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.external.tlsTruststoreSecret }}
      key: truststore.password
{{- end }}
{{- end -}}

{{/* Volume and mount of the Kafka truststore, when one is configured. */}}
{{- define "kwhisk.tlsVolume" -}}
{{- if and (eq .Values.kafka.mode "external") .Values.kafka.external.tlsTruststoreSecret }}
- name: kafka-tls
  secret:
    secretName: {{ .Values.kafka.external.tlsTruststoreSecret }}
{{- end }}
{{- end -}}
{{- define "kwhisk.tlsMount" -}}
{{- if and (eq .Values.kafka.mode "external") .Values.kafka.external.tlsTruststoreSecret }}
- name: kafka-tls
  mountPath: /etc/kwhisk/kafka-tls
  readOnly: true
{{- end }}
{{- end -}}

{{/* A properties file from one map: key=value lines, sorted. */}}
{{- define "kwhisk.properties" -}}
{{- range $k, $v := . }}
{{ $k }}={{ if kindIs "float64" $v }}{{ $v | int64 }}{{ else }}{{ $v }}{{ end }}
{{- end }}
{{- end -}}

{{/* Pod security of every kwhisk process that needs no engine: non-root, read-only root, no capabilities. */}}
{{- define "kwhisk.restrictedContainer" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* NetworkPolicy egress rules of every kwhisk process: DNS, and Kafka's ports (its pods or CIDRs). */}}
{{- define "kwhisk.egressKafkaAndDns" -}}
- ports:
    - {port: 53, protocol: UDP}
    - {port: 53, protocol: TCP}
- ports:
    {{- range .Values.networkPolicy.kafkaPorts }}
    - {port: {{ . }}, protocol: TCP}
    {{- end }}
  {{- if eq .Values.kafka.mode "strimzi" }}
  to:
    - podSelector:
        matchLabels:
          strimzi.io/cluster: {{ .Values.kafka.strimzi.name }}
  {{- else if .Values.networkPolicy.kafkaCidrs }}
  to:
    {{- range .Values.networkPolicy.kafkaCidrs }}
    - ipBlock: {cidr: {{ . }}}
    {{- end }}
  {{- end }}
{{- end -}}
