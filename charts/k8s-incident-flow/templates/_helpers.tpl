{{/* Names follow the usual Helm conventions, truncated to the 63 characters Kubernetes allows. */}}
{{- define "k8s-incident-flow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "k8s-incident-flow.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-worker", "<fullname>-api": room is left for the suffix. */}}
{{- define "k8s-incident-flow.componentName" -}}
{{- printf "%s-%s" (include "k8s-incident-flow.fullname" .root | trunc 56 | trimSuffix "-") .component -}}
{{- end -}}

{{- define "k8s-incident-flow.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "k8s-incident-flow.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "k8s-incident-flow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "k8s-incident-flow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* A component's ServiceAccount ("<fullname>-<component>" unless its serviceAccount.name says otherwise). */}}
{{- define "k8s-incident-flow.serviceAccountName" -}}
{{- $sa := (index .root.Values .component).serviceAccount -}}
{{- if $sa.create -}}
{{- default (include "k8s-incident-flow.componentName" .) $sa.name -}}
{{- else -}}
{{- default "default" $sa.name -}}
{{- end -}}
{{- end -}}

{{/* "true" when a config.clusters entry uses the pod's identity: then the worker (diagnostics) and the
api (/kubectl) need a token and the read-only ClusterRole. Empty otherwise (falsy in templates). */}}
{{- define "k8s-incident-flow.inCluster" -}}
{{- range (default list .Values.config.clusters) -}}
{{- if .inCluster -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{- define "k8s-incident-flow.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "k8s-incident-flow.apiUrl" -}}
{{- printf "http://%s.%s.svc:%d" (include "k8s-incident-flow.componentName" (dict "root" . "component" "api")) .Release.Namespace (int .Values.api.service.port) -}}
{{- end -}}

{{- define "k8s-incident-flow.tlsMountPath" -}}/var/run/secrets/k8s-incident-flow/temporal-tls{{- end -}}
{{- define "k8s-incident-flow.apiKeyMountPath" -}}/var/run/secrets/k8s-incident-flow/temporal-api-key{{- end -}}

{{/*
The config file as the processes read it: .Values.config, plus
- platforms.local.url pointing at this release's api Service when the local chat is on and no url is
  given (the worker posts to it);
- temporal.tls / temporal.apiKey pointing at the files of temporalCredentials' mounted Secrets,
  unless config.temporal sets them itself.
*/}}
{{- define "k8s-incident-flow.config" -}}
{{- $cfg := deepCopy .Values.config -}}
{{- $platforms := default dict $cfg.platforms -}}
{{- $local := default dict $platforms.local -}}
{{- if and (or (not (hasKey $local "enabled")) $local.enabled) (not $local.url) -}}
{{- $_ := set $local "url" (include "k8s-incident-flow.apiUrl" .) -}}
{{- $_ := set $platforms "local" $local -}}
{{- $_ := set $cfg "platforms" $platforms -}}
{{- end -}}
{{- $creds := .Values.temporalCredentials -}}
{{- $temporal := default dict $cfg.temporal -}}
{{- if and $creds.tls.secretName (not (hasKey $temporal "tls")) -}}
{{- $dir := include "k8s-incident-flow.tlsMountPath" . -}}
{{- $tls := dict -}}
{{- if $creds.tls.ca -}}{{- $_ := set $tls "caFile" (printf "%s/ca.crt" $dir) -}}{{- end -}}
{{- if $creds.tls.clientCert -}}
{{- $_ := set $tls "certFile" (printf "%s/tls.crt" $dir) -}}
{{- $_ := set $tls "keyFile" (printf "%s/tls.key" $dir) -}}
{{- end -}}
{{- if $creds.tls.serverName -}}{{- $_ := set $tls "serverName" $creds.tls.serverName -}}{{- end -}}
{{- $_ := set $temporal "tls" (ternary $tls true (gt (len $tls) 0)) -}}
{{- end -}}
{{- if and $creds.apiKey.secretName (not (hasKey $temporal "apiKey")) -}}
{{- $_ := set $temporal "apiKey" (dict "fromFile" (printf "%s/%s" (include "k8s-incident-flow.apiKeyMountPath" .) $creds.apiKey.key)) -}}
{{- end -}}
{{- $_ := set $cfg "temporal" $temporal -}}
{{- toYaml $cfg -}}
{{- end -}}

{{/*
Checks the schema cannot express; each failure says what to change. Included by every Deployment.
*/}}
{{- define "k8s-incident-flow.validate" -}}
{{- $cfg := .Values.config -}}
{{- if not (hasPrefix "/" (toString $cfg.dataDir)) -}}
{{- fail (printf "config.dataDir must be an absolute path (it is the data volume's mount path), got %q" (toString $cfg.dataDir)) -}}
{{- end -}}
{{- $host := toString $cfg.api.host -}}
{{- if or (hasPrefix "127." $host) (eq $host "localhost") (eq $host "::1") -}}
{{- fail (printf "config.api.host is %q: inside a pod that is unreachable for the Service and the probes; use 0.0.0.0" $host) -}}
{{- end -}}
{{- $whost := toString (dig "worker" "host" "" $cfg) -}}
{{- if or (hasPrefix "127." $whost) (eq $whost "localhost") (eq $whost "::1") (eq $whost "") -}}
{{- fail (printf "config.worker.host is %q: the kubelet probes the worker's /healthz and /readyz from outside the pod; use 0.0.0.0" $whost) -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not (and .Values.ingress.host .Values.ingress.tls.secretName)) -}}
{{- fail "ingress.enabled needs ingress.host and ingress.tls.secretName: chat platforms call the api over public HTTPS only (a cert-manager annotation can create the Secret)" -}}
{{- end -}}
{{- $envNames := keys (default dict .Values.api.secretEnv) -}}
{{- range (default list .Values.api.extraEnv) -}}
{{- $envNames = append $envNames .name -}}
{{- end -}}
{{- range $i, $t := (default list $cfg.api.tokens) -}}
{{- if and $t.token.fromEnv (not (has $t.token.fromEnv $envNames)) -}}
{{- fail (printf "config.api.tokens[%d] (%s) reads the environment variable %s, but api.secretEnv does not set it: add %s: { secretName: <secret>, key: <key> } under api.secretEnv" $i $t.name $t.token.fromEnv $t.token.fromEnv) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* env entries from a { NAME: { secretName, key, optional } } map, then the plain extraEnv list. */}}
{{- define "k8s-incident-flow.env" -}}
{{- range $name, $ref := .secretEnv }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secretName }}
      key: {{ $ref.key }}
      {{- if hasKey $ref "optional" }}
      optional: {{ $ref.optional }}
      {{- end }}
{{- end }}
{{- with .extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- /* The worker's Temporal SDK metrics port: config.worker.sdkMetricsPort, 9466 when unset, 0 = off. */}}
{{- define "k8s-incident-flow.sdkMetricsPort" -}}
{{- if hasKey .Values.config.worker "sdkMetricsPort" }}{{ int .Values.config.worker.sdkMetricsPort }}{{ else }}9466{{ end -}}
{{- end -}}
