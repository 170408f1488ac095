{{/*
The pod template every component shares: identity, security, the config file, the data and /tmp
volumes, the Temporal credentials, placement. Called with (dict "root" . "component" "worker"
"extraContainer" <ports and probes YAML> ["values" <overrides of the component's values>]).
*/}}
{{- define "k8s-incident-flow.pod" -}}
{{- $root := .root -}}
{{- $c := .values | default (index $root.Values .component) -}}
{{- $selector := dict "app.kubernetes.io/name" (include "k8s-incident-flow.name" $root) "app.kubernetes.io/instance" $root.Release.Name "app.kubernetes.io/component" .component -}}
{{- $creds := $root.Values.temporalCredentials -}}
{{- /* The watcher always reads its cluster; worker and api only need a token for an inCluster cluster. */ -}}
{{- $automount := or (eq .component "watcher") (eq (include "k8s-incident-flow.inCluster" $root) "true") -}}
metadata:
  labels:
    {{- toYaml $selector | nindent 4 }}
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
  serviceAccountName: {{ include "k8s-incident-flow.serviceAccountName" (dict "root" $root "component" .component) }}
  automountServiceAccountToken: {{ $automount }}
  terminationGracePeriodSeconds: {{ $c.terminationGracePeriodSeconds }}
  {{- with $c.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
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
        {{- with $c.nodeOptions }}
        # V8 heap caps that fit the container limit: without them V8 sizes heaps from the node's memory.
        - name: NODE_OPTIONS
          value: {{ . | quote }}
        {{- end }}
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
        {{- if $creds.tls.secretName }}
        - name: temporal-tls
          mountPath: {{ include "k8s-incident-flow.tlsMountPath" $root }}
          readOnly: true
        {{- end }}
        {{- if $creds.apiKey.secretName }}
        - name: temporal-api-key
          mountPath: {{ include "k8s-incident-flow.apiKeyMountPath" $root }}
          readOnly: true
        {{- end }}
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
    {{- /* Mounted as directories (no subPath) so rotated certificates and keys reach the running pod; the processes re-read them. */}}
    {{- if $creds.tls.secretName }}
    - name: temporal-tls
      secret:
        secretName: {{ $creds.tls.secretName }}
        defaultMode: 0440
    {{- end }}
    {{- if $creds.apiKey.secretName }}
    - name: temporal-api-key
      secret:
        secretName: {{ $creds.apiKey.secretName }}
        defaultMode: 0440
        items:
          - key: {{ $creds.apiKey.key }}
            path: {{ $creds.apiKey.key }}
    {{- end }}
    {{- with $c.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $c.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- range . }}
    {{- /* A constraint without a selector spreads this component's pods. */}}
    - {{ toYaml (merge (dict) . (dict "labelSelector" (dict "matchLabels" $selector))) | indent 6 | trim }}
    {{- end }}
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
