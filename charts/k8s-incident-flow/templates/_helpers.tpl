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

{{- define "k8s-incident-flow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "k8s-incident-flow.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
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

{{/*
The config file as the processes read it: .Values.config, plus platforms.local.url pointing at this
release's api Service when the local chat is on and no url is given (the worker posts to it).
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

{{/* Everything the worker and api pods share: identity, security, the config file, the data and /tmp volumes. */}}
{{- define "k8s-incident-flow.pod" -}}
{{- $root := .root -}}
{{- $c := .values -}}
metadata:
  labels:
    {{- include "k8s-incident-flow.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
    {{- with $c.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # Roll the pods when the config changes: the processes read it once at start.
    checksum/config: {{ include "k8s-incident-flow.config" $root | sha256sum }}
    {{- with $c.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  {{- /* A component may bring its own identity (the watcher: its own account, with a token). */}}
  serviceAccountName: {{ .serviceAccountName | default (include "k8s-incident-flow.serviceAccountName" $root) }}
  automountServiceAccountToken: {{ if hasKey . "automountToken" }}{{ .automountToken }}{{ else }}{{ $root.Values.serviceAccount.automountServiceAccountToken }}{{ end }}
  terminationGracePeriodSeconds: {{ $c.terminationGracePeriodSeconds }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ .component }}
      image: {{ include "k8s-incident-flow.image" $root | quote }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      command:
        {{- toYaml $c.command | nindent 8 }}
      args: [--config, /etc/k8s-incident-flow/config.yaml]
      {{- $env := include "k8s-incident-flow.env" $c | trim }}
      env:
        - name: NODE_ENV
          value: production
        {{- with $env }}
        {{- . | nindent 8 }}
        {{- end }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      resources:
        {{- toYaml $c.resources | nindent 8 }}
      {{- with .extraContainer }}
      {{- . | nindent 6 }}
      {{- end }}
      volumeMounts:
        - name: config
          mountPath: /etc/k8s-incident-flow
          readOnly: true
        - name: data
          mountPath: {{ $root.Values.config.dataDir }}
        - name: tmp
          mountPath: /tmp
        {{- with $c.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ include "k8s-incident-flow.fullname" $root }}-config
    - name: data
      {{- if $root.Values.persistence.existingClaim }}
      persistentVolumeClaim:
        claimName: {{ $root.Values.persistence.existingClaim }}
      {{- else }}
      emptyDir: {}
      {{- end }}
    - name: tmp
      emptyDir: {}
    {{- with $c.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $c.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $c.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $c.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
