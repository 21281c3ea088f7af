{{/* The three services, in the order objects are rendered. */}}
{{- define "signal.services" -}}
session signaling ice
{{- end }}

{{- define "signal.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-<chart>", or the release name alone when it already contains the chart name. */}}
{{- define "signal.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of a service's objects. Call with (dict "root" $ "service" "session"). */}}
{{- define "signal.componentName" -}}
{{- printf "%s-%s" (include "signal.fullname" .root | trunc 52 | trimSuffix "-") .service }}
{{- end }}

{{- define "signal.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "signal.selectorLabels" -}}
app.kubernetes.io/name: {{ include "signal.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "signal.labels" -}}
helm.sh/chart: {{ include "signal.chart" . }}
{{ include "signal.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sme-connect
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one service's pods. Call with (dict "root" $ "service" "session"). */}}
{{- define "signal.componentSelectorLabels" -}}
{{ include "signal.selectorLabels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end }}

{{- define "signal.componentLabels" -}}
{{ include "signal.labels" .root }}
app.kubernetes.io/component: {{ .service }}
{{- end }}

{{/* metadata.annotations for every object; empty when there are none. */}}
{{- define "signal.annotations" -}}
{{- with .Values.commonAnnotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "signal.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "signal.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference of a service; a digest wins over the tag, and "latest" is refused. */}}
{{- define "signal.image" -}}
{{- $root := .root }}
{{- $svc := index $root.Values .service }}
{{- $repository := default (printf "%s-%s" $root.Values.image.repository .service) $svc.image.repository }}
{{- if $root.Values.image.registry }}
{{- $repository = printf "%s/%s" $root.Values.image.registry $repository }}
{{- end }}
{{- $tag := default (default $root.Chart.AppVersion $root.Values.image.tag) $svc.image.tag | toString }}
{{- if $svc.image.digest }}
{{- printf "%s@%s" $repository $svc.image.digest }}
{{- else if eq $tag "latest" }}
{{- fail (printf "%s: the image tag \"latest\" is not deployable: pin a version or a digest" .service) }}
{{- else }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}
{{- end }}

{{/* The variable each entry of .Values.secrets sets; also its key in the chart's Secret. */}}
{{- define "signal.secretVariables" -}}
jwtSecret: AUTH_JWT_SECRET
jwtPublicKey: AUTH_JWT_PUBLIC_KEY
turnSecret: TURN_SECRET
cosmosKey: COSMOS_KEY
serviceBusConnectionString: SERVICEBUS_CONNECTION_STRING
{{- end }}

{{/*
The secrets each service receives: only what it uses, so the ice service alone holds the TURN
secret and the session service alone the JWT key.
*/}}
{{- define "signal.serviceSecrets" -}}
session: [cosmosKey, serviceBusConnectionString, jwtSecret, jwtPublicKey]
signaling: [cosmosKey, serviceBusConnectionString]
ice: [cosmosKey, serviceBusConnectionString, turnSecret]
{{- end }}

{{/* env entries reading secrets, for one service. Call with (dict "root" $ "service" "ice"). */}}
{{- define "signal.secretEnv" -}}
{{- $root := .root }}
{{- $variables := include "signal.secretVariables" . | fromYaml }}
{{- range $name := get (include "signal.serviceSecrets" . | fromYaml) .service }}
{{- $ref := get $root.Values.secrets $name }}
{{- if and $ref.value $ref.existingSecret }}
{{- fail (printf "secrets.%s: set value or existingSecret, not both" $name) }}
{{- end }}
{{- if $ref.existingSecret }}
- name: {{ get $variables $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.existingSecret }}
      key: {{ $ref.key }}
{{- else if $ref.value }}
- name: {{ get $variables $name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "signal.fullname" $root }}
      key: {{ get $variables $name }}
{{- end }}
{{- end }}
{{- end }}

{{/* True ("true") when the chart must create its own Secret: some secret was given as a value. */}}
{{- define "signal.createSecret" -}}
{{- range $name, $ref := .Values.secrets }}
{{- if $ref.value }}true{{ end }}
{{- end }}
{{- end }}

{{/*
A setting as an environment variable string. Numbers from values files are float64, and large
ones would print as 1e+06: integers are printed as integers.
*/}}
{{- define "signal.envValue" -}}
{{- if and (kindIs "float64" .) (eq (float64 (int64 .)) .) }}{{ int64 . }}{{ else }}{{ toString . }}{{ end }}
{{- end }}

{{/* Plain env map -> env list, sorted by name so renders are stable. */}}
{{- define "signal.envList" -}}
{{- range $name, $value := . }}
- name: {{ $name }}
  value: {{ include "signal.envValue" $value | quote }}
{{- end }}
{{- end }}

{{/* Refuses values that cannot work together; included once, by deployment.yaml. */}}
{{- define "signal.validate" -}}
{{- $longPoll := int .Values.signaling.longPoll.maxSeconds }}
{{- if le (int .Values.terminationGracePeriodSeconds) (add $longPoll .Values.preStopDelaySeconds) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed preStopDelaySeconds + signaling.longPoll.maxSeconds (%d)" (int .Values.terminationGracePeriodSeconds) (add $longPoll .Values.preStopDelaySeconds)) }}
{{- end }}
{{- if and .Values.ingress.enabled (lt (int .Values.ingress.timeoutSeconds) (add $longPoll 5)) }}
{{- fail (printf "ingress.timeoutSeconds (%d) must be at least signaling.longPoll.maxSeconds + 5 (%d)" (int .Values.ingress.timeoutSeconds) (add $longPoll 5)) }}
{{- end }}
{{- if and .Values.workloadIdentity.enabled (not .Values.workloadIdentity.clientId) .Values.serviceAccount.create }}
{{- fail "workloadIdentity.clientId is required when workloadIdentity.enabled is true" }}
{{- end }}
{{- if and .Values.tracing.enabled (not .Values.tracing.otlpEndpoint) }}
{{- fail "tracing.otlpEndpoint is required when tracing.enabled is true" }}
{{- end }}
{{- end }}
