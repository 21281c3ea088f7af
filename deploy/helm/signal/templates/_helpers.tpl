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

{{/*
Labels of one service's pods: no chart or app version, so that a chart bump alone restarts no pod
(the image reference changes the template when the app version does).
*/}}
{{- define "signal.podLabels" -}}
{{ include "signal.componentSelectorLabels" . }}
app.kubernetes.io/part-of: sme-connect
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
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

{{/* The ServiceAccount a service runs as. Call with (dict "root" $ "service" "session"). */}}
{{- define "signal.serviceAccountName" -}}
{{- $sa := .root.Values.serviceAccount }}
{{- $name := "" }}
{{- if $sa.create }}{{ $name = default (include "signal.fullname" .root) $sa.name }}
{{- else }}{{ $name = required "serviceAccount.name is required when serviceAccount.create is false" $sa.name }}
{{- end }}
{{- if $sa.perService }}{{ printf "%s-%s" $name .service }}{{ else }}{{ $name }}{{ end }}
{{- end }}

{{/* Client ID of the workload identity a service runs as (its own with serviceAccount.perService). */}}
{{- define "signal.clientId" -}}
{{- if .root.Values.serviceAccount.perService }}{{ get .root.Values.workloadIdentity.clientIds .service }}
{{- else }}{{ .root.Values.workloadIdentity.clientId }}{{ end }}
{{- end }}

{{/* Image reference of a service; a digest wins over the tag, and "latest" is refused. */}}
{{- define "signal.image" -}}
{{- $root := .root }}
{{- $svc := index $root.Values .service }}
{{- $repository := default (printf "%s-%s" $root.Values.image.repository .service) $svc.image.repository }}
{{- with default $root.Values.image.registry (dig "imageRegistry" "" $root.Values.global) }}
{{- $repository = printf "%s/%s" . $repository }}
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
wakeupSecret: WAKEUP_SECRET
{{- end }}

{{/*
The secrets each service receives: only what it uses, so the ice service alone holds the TURN
secret and the session service alone the JWT key.
*/}}
{{- define "signal.serviceSecrets" -}}
session: [cosmosKey, serviceBusConnectionString, jwtSecret, jwtPublicKey]
signaling: [cosmosKey, serviceBusConnectionString, wakeupSecret]
ice: [cosmosKey, serviceBusConnectionString, turnSecret]
{{- end }}

{{/*
Where one entry of .Values.secrets comes from: "value", "existingSecret", "keyVault", or empty
when it is not given. Call with (dict "root" $ "name" "turnSecret").
*/}}
{{- define "signal.secretSource" -}}
{{- $ref := get .root.Values.secrets .name }}
{{- $given := list }}
{{- range $source := list "value" "existingSecret" "keyVault" }}
{{- if get $ref $source }}{{ $given = append $given $source }}{{ end }}
{{- end }}
{{- if gt (len $given) 1 }}
{{- fail (printf "secrets.%s: set one of value, existingSecret or keyVault, not %s" .name (join " and " $given)) }}
{{- end }}
{{- if and (has "keyVault" $given) (not .root.Values.keyVault.enabled) }}
{{- fail (printf "secrets.%s.keyVault needs keyVault.enabled (and keyVault.name)" .name) }}
{{- end }}
{{- first $given | default "" }}
{{- end }}

{{/* Name of the Secret the CSI driver syncs a service's Key Vault secrets to. */}}
{{- define "signal.keyVaultSecretName" -}}
{{ include "signal.componentName" . }}-keyvault
{{- end }}

{{/* A service's secrets held in Key Vault, as "VARIABLE: <Key Vault secret name>" lines. */}}
{{- define "signal.keyVaultObjects" -}}
{{- $root := .root }}
{{- $variables := include "signal.secretVariables" . | fromYaml }}
{{- range $name := get (include "signal.serviceSecrets" . | fromYaml) .service }}
{{- if eq (include "signal.secretSource" (dict "root" $root "name" $name)) "keyVault" }}
{{ get $variables $name }}: {{ (get $root.Values.secrets $name).keyVault | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* env entries reading secrets, for one service. Call with (dict "root" $ "service" "ice"). */}}
{{- define "signal.secretEnv" -}}
{{- $root := .root }}
{{- $ctx := . }}
{{- $variables := include "signal.secretVariables" . | fromYaml }}
{{- range $name := get (include "signal.serviceSecrets" . | fromYaml) .service }}
{{- $ref := get $root.Values.secrets $name }}
{{- $source := include "signal.secretSource" (dict "root" $root "name" $name) }}
{{- if $source }}
- name: {{ get $variables $name }}
  valueFrom:
    secretKeyRef:
      {{- if eq $source "existingSecret" }}
      name: {{ $ref.existingSecret }}
      key: {{ $ref.key }}
      {{- else if eq $source "keyVault" }}
      name: {{ include "signal.keyVaultSecretName" $ctx }}
      key: {{ get $variables $name }}
      {{- else }}
      name: {{ include "signal.fullname" $root }}
      key: {{ get $variables $name }}
      {{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
What one service's secrets are, for its pods' checksum: the values given to the chart and where
the others come from. Changing the TURN secret then restarts ice alone.
*/}}
{{- define "signal.secretChecksum" -}}
{{- $root := .root }}
{{- $inputs := list $root.Values.secretRotation.revision }}
{{- range $name := get (include "signal.serviceSecrets" . | fromYaml) .service }}
{{- $inputs = append $inputs (printf "%s=%s" $name (toJson (get $root.Values.secrets $name))) }}
{{- end }}
{{- join "\n" $inputs | sha256sum }}
{{- end }}

{{/* Comma list of the Secrets one service's pods read, for Stakater Reloader. */}}
{{- define "signal.secretNames" -}}
{{- $root := .root }}
{{- $ctx := . }}
{{- $names := list }}
{{- range $name := get (include "signal.serviceSecrets" . | fromYaml) .service }}
{{- $source := include "signal.secretSource" (dict "root" $root "name" $name) }}
{{- if eq $source "existingSecret" }}{{ $names = append $names (get $root.Values.secrets $name).existingSecret }}
{{- else if eq $source "keyVault" }}{{ $names = append $names (include "signal.keyVaultSecretName" $ctx) }}
{{- else if eq $source "value" }}{{ $names = append $names (include "signal.fullname" $root) }}
{{- end }}
{{- end }}
{{- $names | uniq | join "," }}
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

{{/*
What the chart knows of each way in, "gateway/<httpRoute.gateway>" or "ingress/<ingress.controller>":
its name in messages; hops, the proxies that append to X-Forwarded-For before the pods (nginx
behind Application Gateway: 2); preStop, the seconds it needs to stop routing to a pod being
removed; from, where its proxies run ("parentRefs": the Gateways' namespaces, where Istio deploys
them); sourceHint, what to give when it cannot be derived; lbService, whether its proxies sit
behind a LoadBalancer Service of the cluster (client addresses then need externalTrafficPolicy: Local);
hashes, whether the chart can make it hash requests on the room query parameter (roomAffinity).
*/}}
{{- define "signal.frontFacts" -}}
gateway/app-routing: {title: "the AKS application routing Gateway API", hops: 1, preStop: 5, from: parentRefs, lbService: true}
gateway/application-gateway-for-containers: {title: "Application Gateway for Containers", hops: 1, preStop: 15, sourceHint: "an ipBlock of the subnet associated with it"}
gateway/envoy-gateway: {title: "Envoy Gateway", hops: 1, preStop: 5, from: envoy-gateway-system, lbService: true, hashes: true}
gateway/istio: {title: "Istio", hops: 1, preStop: 5, from: parentRefs, lbService: true, hashes: true}
gateway/cilium: {title: "Cilium", hops: 1, preStop: 5, sourceHint: "Cilium's Envoy sends from the node; e.g. an ipBlock of the node subnet, or [] with a CiliumNetworkPolicy from the ingress entity", lbService: true}
gateway/traefik: {title: "Traefik", hops: 1, preStop: 5, sourceHint: "e.g. the namespace Traefik runs in", lbService: true}
gateway/other: {title: "this Gateway", preStop: 5, sourceHint: "its proxies' namespace or subnet"}
ingress/nginx: {title: "ingress-nginx", hops: 1, preStop: 5, from: ingress-nginx, lbService: true, hashes: true}
ingress/application-gateway: {title: "Application Gateway (AGIC)", hops: 1, preStop: 90, sourceHint: "an ipBlock of the Application Gateway subnet"}
ingress/haproxy: {title: "the HAProxy Kubernetes Ingress Controller", hops: 1, preStop: 5, from: haproxy-controller, lbService: true, hashes: true}
ingress/none: {title: "this Ingress controller", preStop: 5, sourceHint: "its proxies' namespace or subnet"}
{{- end }}

{{/* The ways in that are enabled, as keys of signal.frontFacts, HTTPRoute first. */}}
{{- define "signal.fronts" -}}
{{- $fronts := list }}
{{- if .Values.httpRoute.enabled }}{{ $fronts = append $fronts (printf "gateway/%s" (default "other" .Values.httpRoute.gateway)) }}{{ end }}
{{- if .Values.ingress.enabled }}{{ $fronts = append $fronts (printf "ingress/%s" .Values.ingress.controller) }}{{ end }}
{{- join " " $fronts }}
{{- end }}

{{/* The facts of one way in; ingress-nginx's depend on its class and on what is in front of it. */}}
{{- define "signal.front" -}}
{{- $facts := get (include "signal.frontFacts" .root | fromYaml) .front }}
{{- if eq .front "ingress/nginx" }}
{{- if eq .root.Values.ingress.behind "application-gateway" }}{{ $_ := set $facts "hops" 2 }}{{ end }}
{{- if eq .root.Values.ingress.className "webapprouting.kubernetes.azure.com" }}
{{- $_ := set $facts "title" "the AKS application routing NGINX" }}
{{- $_ := set $facts "from" "app-routing-system" }}
{{- end }}
{{- end }}
{{- toYaml $facts }}
{{- end }}

{{/* X-Forwarded-For hops to trust: config.trustProxy, or ("auto") those of the ways in. */}}
{{- define "signal.trustProxy" -}}
{{- if ne (toString .Values.config.trustProxy) "auto" }}{{ int .Values.config.trustProxy }}
{{- else }}
{{- $hops := list }}
{{- range $front := splitList " " (include "signal.fronts" .) | compact }}
{{- $facts := include "signal.front" (dict "root" $ "front" $front) | fromYaml }}
{{- if not (hasKey $facts "hops") }}
{{- fail (printf "config.trustProxy: set the number of proxies that append to X-Forwarded-For in front of the pods (\"auto\" does not know %s)" $facts.title) }}
{{- end }}
{{- $hops = append $hops (int $facts.hops) }}
{{- end }}
{{- if ne (len ($hops | uniq)) 1 }}
{{- fail "config.trustProxy: set the number of proxies that append to X-Forwarded-For in front of the pods (\"auto\" needs exactly one Ingress controller or Gateway, or both agreeing)" }}
{{- end }}
{{- first $hops }}
{{- end }}
{{- end }}

{{/* preStop sleep: preStopDelaySeconds, or ("auto") the longest any way in needs to stop routing. */}}
{{- define "signal.preStopSeconds" -}}
{{- if eq (toString .Values.preStopDelaySeconds) "auto" }}
{{- $seconds := 5 }}
{{- range $front := splitList " " (include "signal.fronts" .) | compact }}
{{- $seconds = max $seconds (include "signal.front" (dict "root" $ "front" $front) | fromYaml).preStop }}
{{- end }}
{{- $seconds }}
{{- else }}{{ int .Values.preStopDelaySeconds }}{{ end }}
{{- end }}

{{/*
The sources admitted to the HTTP port: networkPolicy.ingressFrom, or ("auto") where the proxies of
each way in run, as a YAML list. Fails, naming the setting, where the chart cannot know them.
*/}}
{{- define "signal.ingressFrom" -}}
{{- $given := .Values.networkPolicy.ingressFrom }}
{{- if kindIs "string" $given }}
{{- $namespaces := list }}
{{- range $front := splitList " " (include "signal.fronts" .) | compact }}
{{- $facts := include "signal.front" (dict "root" $ "front" $front) | fromYaml }}
{{- if eq (toString (get $facts "from")) "parentRefs" }}
{{- range $ref := $.Values.httpRoute.parentRefs }}{{ $namespaces = append $namespaces (default $.Release.Namespace (get $ref "namespace")) }}{{ end }}
{{- else if get $facts "from" }}{{ $namespaces = append $namespaces (get $facts "from") }}
{{- else }}
{{- fail (printf "networkPolicy.ingressFrom: the chart cannot tell where %s's proxies run: give the sources that reach the pods (%s), or [] to admit every source" $facts.title (get $facts "sourceHint")) }}
{{- end }}
{{- end }}
{{- range $namespace := $namespaces | uniq }}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ $namespace }}
{{- end }}
{{- else }}
{{- toYaml $given }}
{{- end }}
{{- end }}

{{/* terminationGracePeriodSeconds, or ("auto") pre-stop + the longest long-poll + 15 s to finish. */}}
{{- define "signal.terminationGraceSeconds" -}}
{{- if eq (toString .Values.terminationGracePeriodSeconds) "auto" }}{{ add (include "signal.preStopSeconds" . | int) (int .Values.signaling.longPoll.maxSeconds) 15 }}
{{- else }}{{ int .Values.terminationGracePeriodSeconds }}{{ end }}
{{- end }}

{{/*
Settings without which the pods exit at start-up: refused at render time, all named at once,
instead of an install that "succeeds" and crash-loops.
*/}}
{{- define "signal.requireSettings" -}}
{{- $v := .Values }}
{{- $given := dict }}
{{- range $name, $ref := $v.secrets }}
{{- $_ := set $given $name (ne (include "signal.secretSource" (dict "root" $ "name" $name)) "") }}
{{- end }}
{{- $missing := list }}
{{- if not (or $v.image.registry (dig "imageRegistry" "" $v.global)) }}
{{- $missing = append $missing "image.registry (or global.imageRegistry): the registry you pushed the images to (none is published; docs/deploy.md, \"Step 2: Images\")" }}
{{- end }}
{{- if not $v.cosmos.endpoint }}{{ $missing = append $missing "cosmos.endpoint" }}{{ end }}
{{- if not (or $v.workloadIdentity.enabled $given.cosmosKey) }}
{{- $missing = append $missing "workloadIdentity.enabled or secrets.cosmosKey (a Cosmos DB credential)" }}
{{- end }}
{{- if not (or $v.serviceBus.namespace $given.serviceBusConnectionString) }}
{{- $missing = append $missing "serviceBus.namespace (or secrets.serviceBusConnectionString)" }}
{{- else if not (or $v.workloadIdentity.enabled $given.serviceBusConnectionString) }}
{{- $missing = append $missing "workloadIdentity.enabled or secrets.serviceBusConnectionString (a Service Bus credential)" }}
{{- end }}
{{- $auth := list }}
{{- if $v.session.auth.jwksUrl }}{{ $auth = append $auth "session.auth.jwksUrl" }}{{ end }}
{{- if $given.jwtSecret }}{{ $auth = append $auth "secrets.jwtSecret" }}{{ end }}
{{- if $given.jwtPublicKey }}{{ $auth = append $auth "secrets.jwtPublicKey" }}{{ end }}
{{- if not $auth }}{{ $missing = append $missing "session.auth.jwksUrl, secrets.jwtSecret or secrets.jwtPublicKey" }}{{ end }}
{{- if not $v.session.auth.issuer }}{{ $missing = append $missing "session.auth.issuer (the tokens' iss; Entra ID: https://login.microsoftonline.com/<tenant-id>/v2.0)" }}{{ end }}
{{- if not $v.session.auth.audience }}{{ $missing = append $missing "session.auth.audience (the tokens' aud; Entra ID: the app's client id or api://<client-id>)" }}{{ end }}
{{- if gt (len $auth) 1 }}
{{- fail (printf "give only one of session.auth.jwksUrl, secrets.jwtSecret, secrets.jwtPublicKey (set: %s)" (join ", " $auth)) }}
{{- end }}
{{- if $v.httpRoute.enabled }}
{{- if not $v.httpRoute.gateway }}{{ $missing = append $missing "httpRoute.gateway (the Gateway API implementation: app-routing, application-gateway-for-containers, envoy-gateway, istio, cilium, traefik or other)" }}{{ end }}
{{- if not $v.httpRoute.parentRefs }}{{ $missing = append $missing "httpRoute.parentRefs (the Gateway to attach to)" }}{{ end }}
{{- end }}
{{- if not $v.ice.turn.urls }}{{ $missing = append $missing "ice.turn.urls" }}{{ end }}
{{- if not $given.turnSecret }}{{ $missing = append $missing "secrets.turnSecret" }}{{ end }}
{{- if not $given.wakeupSecret }}{{ $missing = append $missing "secrets.wakeupSecret" }}{{ end }}
{{- if $missing }}
{{- fail (printf "these settings are required (without them the pods cannot be pulled, reached or started; see docs/deploy.md and examples/production-values.yaml):\n  - %s" (join "\n  - " $missing)) }}
{{- end }}
{{- end }}

{{/* Refuses values that cannot work together; included by the templates Helm renders first (NOTES.txt, configmap.yaml). */}}
{{- define "signal.validate" -}}
{{- $longPoll := int .Values.signaling.longPoll.maxSeconds }}
{{- $preStop := include "signal.preStopSeconds" . | int }}
{{- $grace := include "signal.terminationGraceSeconds" . | int }}
{{- if le $grace (add $longPoll $preStop) }}
{{- fail (printf "terminationGracePeriodSeconds (%d) must exceed preStopDelaySeconds + signaling.longPoll.maxSeconds (%d)" $grace (add $longPoll $preStop)) }}
{{- end }}
{{- if and (or .Values.ingress.enabled .Values.httpRoute.enabled) (lt (int .Values.ingress.timeoutSeconds) (add $longPoll 5)) }}
{{- fail (printf "ingress.timeoutSeconds (%d) must be at least signaling.longPoll.maxSeconds + 5 (%d)" (int .Values.ingress.timeoutSeconds) (add $longPoll 5)) }}
{{- end }}
{{- /* The ServiceAccount carries the client id it is federated with; the CSI driver needs it too, whoever made the ServiceAccount. */}}
{{- range $service := splitList " " (include "signal.services" .) }}
{{- if not (include "signal.clientId" (dict "root" $ "service" $service)) }}
{{- $setting := ternary (printf "workloadIdentity.clientIds.%s" $service) "workloadIdentity.clientId" $.Values.serviceAccount.perService }}
{{- if $.Values.keyVault.enabled }}
{{- fail (printf "%s is required with keyVault.enabled: the CSI driver reads the vault as that identity, whoever created the ServiceAccount" $setting) }}
{{- else if and $.Values.workloadIdentity.enabled $.Values.serviceAccount.create }}
{{- fail (printf "%s is required when workloadIdentity.enabled is true" $setting) }}
{{- end }}
{{- end }}
{{- end }}
{{- if .Values.keyVault.enabled }}
{{- if not .Values.workloadIdentity.enabled }}
{{- fail "keyVault needs workloadIdentity.enabled: the CSI driver reads the vault with the workload identity" }}
{{- end }}
{{- $_ := required "keyVault.name is required when keyVault.enabled is true" .Values.keyVault.name }}
{{- $_ := required "keyVault.tenantId (or workloadIdentity.tenantId) is required when keyVault.enabled is true" (default .Values.workloadIdentity.tenantId .Values.keyVault.tenantId) }}
{{- end }}
{{- if and .Values.tracing.enabled (not .Values.tracing.otlpEndpoint) }}
{{- fail "tracing.otlpEndpoint is required when tracing.enabled is true" }}
{{- end }}
{{- if .Values.signaling.roomAffinity }}
{{- range $front := splitList " " (include "signal.fronts" .) | compact }}
{{- $facts := include "signal.front" (dict "root" $ "front" $front) | fromYaml }}
{{- if not (get $facts "hashes") }}
{{- fail (printf "signaling.roomAffinity: %s cannot hash requests on the room query parameter; turn it off (routing works without it) or use Envoy Gateway, Istio, ingress-nginx or HAProxy" $facts.title) }}
{{- end }}
{{- end }}
{{- end }}
{{- include "signal.requireSettings" . }}
{{- end }}

{{/*
The data of one ConfigMap: the shared one (service "") or a service's own. Empty settings are
left out so the service's own default applies. Deployments hash the two their pods read, so a
change restarts only the services it concerns.
*/}}
{{- define "signal.configData" -}}
{{- $v := .root.Values }}
{{- $data := dict }}
{{- if eq .service "" }}
{{- $data = merge (dict) $v.config.extraEnv (dict
  "PORT" $v.containerPort
  "HOST" "0.0.0.0"
  "LOG_LEVEL" $v.config.logLevel
  "TRUST_PROXY" (include "signal.trustProxy" .root)
  "CORS_ORIGINS" (join "," $v.config.corsOrigins)
  "RATE_LIMIT_PER_IP_PER_MINUTE" $v.config.rateLimitPerIpPerMinute
  "RATE_LIMIT_PER_SESSION_PER_MINUTE" $v.config.rateLimitPerSessionPerMinute
  "HTTP_IDLE_TIMEOUT_SECONDS" $v.config.httpIdleTimeoutSeconds
  "HTTP_MAX_CONNECTIONS" $v.config.httpMaxConnections
  "PUBLIC_URL" $v.config.publicUrl
  "HTTP_MAX_CONNECTIONS_PER_CLIENT" $v.config.httpMaxConnectionsPerClient
  "HTTP_CLIENT_KEEP_ALIVE_SECONDS" $v.config.httpClientKeepAliveSeconds
  "TRUST_PROXY_ADDRESSES" (join "," $v.config.trustProxyAddresses)
  "SESSION_COOKIE_ID" $v.sessionCookie.id
  "SESSION_COOKIE_SECURE" $v.sessionCookie.secure
  "SESSION_COOKIE_DOMAIN" $v.sessionCookie.domain
  "SESSION_COOKIE_HOST_PREFIX" $v.sessionCookie.hostPrefix
  "SESSION_TTL_SECONDS" $v.sessionCookie.ttlSeconds
  "SESSION_CACHE_SECONDS" $v.sessionCookie.cacheSeconds
  "SESSION_MAX_PER_USER" $v.sessionCookie.maxPerUser
  "STORE" "cosmos"
  "COSMOS_ENDPOINT" $v.cosmos.endpoint
  "COSMOS_DATABASE" $v.cosmos.database
  "COSMOS_SESSIONS_CONTAINER" $v.cosmos.sessionsContainer
  "COSMOS_SDPS_CONTAINER" $v.cosmos.sdpsContainer
  "COSMOS_CREATE_IF_MISSING" $v.cosmos.createIfMissing
  "COSMOS_REQUEST_TIMEOUT_MS" $v.cosmos.requestTimeoutMs
  "COSMOS_PREFERRED_REGIONS" (join "," $v.cosmos.preferredRegions)
  "BUS" "servicebus"
  "SERVICEBUS_NAMESPACE" $v.serviceBus.namespace
  "SERVICEBUS_TOPIC" $v.serviceBus.topic) }}
{{- if $v.tracing.enabled }}
{{- $_ := set $data "OTEL_EXPORTER_OTLP_ENDPOINT" $v.tracing.otlpEndpoint }}
{{- $_ := set $data "OTEL_TRACES_SAMPLER" $v.tracing.sampler }}
{{- $_ := set $data "OTEL_TRACES_SAMPLER_ARG" $v.tracing.samplerArg }}
{{- end }}
{{- else if eq .service "session" }}
{{- $data = dict
  "AUTH_JWKS_URL" $v.session.auth.jwksUrl
  "AUTH_JWT_ISSUER" $v.session.auth.issuer
  "AUTH_JWT_AUDIENCE" $v.session.auth.audience
  "AUTH_JWT_ALGORITHMS" (join "," $v.session.auth.algorithms)
  "AUTH_CLOCK_TOLERANCE_SECONDS" $v.session.auth.clockToleranceSeconds
  "AUTH_JWKS_REFRESH_SECONDS" $v.session.auth.jwksRefreshSeconds
  "AUTH_JWT_MAX_AGE_SECONDS" $v.session.auth.maxTokenAgeSeconds }}
{{- else if eq .service "signaling" }}
{{- $data = dict
  "SDP_TTL_SECONDS" $v.signaling.sdp.ttlSeconds
  "SDP_MAX_BYTES" $v.signaling.sdp.maxBytes
  "LONGPOLL_MAX_SECONDS" $v.signaling.longPoll.maxSeconds
  "LONGPOLL_FALLBACK_INTERVAL_SECONDS" $v.signaling.longPoll.fallbackIntervalSeconds
  "LONGPOLL_MAX_PER_USER" $v.signaling.longPoll.maxPerUser
  "LONGPOLL_MAX_PER_REPLICA" $v.signaling.longPoll.maxPerReplica
  "ROOM_PARAM_REQUIRED" (ternary "true" "" $v.signaling.roomAffinity)
  "WAKEUP_PORT" $v.signaling.wakeups.port }}
{{- else if eq .service "ice" }}
{{- $data = dict
  "TURN_URLS" (join "," $v.ice.turn.urls)
  "TURN_USERNAME" $v.ice.turn.username
  "TURN_USERNAME_SUFFIX" $v.ice.turn.usernameSuffix
  "TURN_CREDENTIAL_TTL_SECONDS" $v.ice.turn.credentialTtlSeconds
  "STUN_URLS" (join "," $v.ice.stunUrls)
  "ICE_CANDIDATE_POOL_SIZE" $v.ice.candidatePoolSize
  "ICE_TRANSPORT_POLICY" $v.ice.transportPolicy }}
{{- end }}
{{- range $key, $value := $data }}
{{- $text := include "signal.envValue" $value }}
{{- if ne $text "" }}
{{ $key }}: {{ $text | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The route objects (Ingress or HTTPRoute) and the services each routes: one for all three, or with
signaling.roomAffinity, the signaling paths apart so that only they are hashed on ?room.
*/}}
{{- define "signal.routeGroups" -}}
{{- $fullname := include "signal.fullname" . }}
{{- if .Values.signaling.roomAffinity }}
- {name: {{ $fullname }}, services: [session, ice]}
- {name: {{ $fullname }}-signaling, services: [signaling], hashed: true}
{{- else }}
- {name: {{ $fullname }}, services: [session, signaling, ice]}
{{- end }}
{{- end }}

{{/* The six public paths and the service of each, shared by the Ingress and the HTTPRoute. */}}
{{- define "signal.publicRoutes" -}}
- [/login, session]
- [/logout, session]
- [/offer, signaling]
- [/answer, signaling]
- [/expire, signaling]
- [/ice_servers, ice]
{{- end }}
