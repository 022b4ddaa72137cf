{{/* Names and labels, as `helm create` makes them. */}}
{{- define "libvirt-capabilities-exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "libvirt-capabilities-exporter.fullname" -}}
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

{{- define "libvirt-capabilities-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "libvirt-capabilities-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "libvirt-capabilities-exporter.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "libvirt-capabilities-exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ .Values.mode }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "libvirt-capabilities-exporter.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "libvirt-capabilities-exporter.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "libvirt-capabilities-exporter.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "libvirt-capabilities-exporter.webConfigSecret" -}}
{{- default (printf "%s-web-config" (include "libvirt-capabilities-exporter.fullname" .)) .Values.webConfig.existingSecret }}
{{- end }}

{{/* The node's libvirtd is a target in daemonset and sidecar modes. */}}
{{- define "libvirt-capabilities-exporter.hasLocalTarget" -}}
{{- if ne .Values.mode "deployment" }}true{{ end }}
{{- end }}

{{/*
The exporter's --config.file JSON: .Values.config plus the targets (the local one first, so the
command line can name it after the node as Libvirt:Targets:0:Name) and the state directory.
*/}}
{{- define "libvirt-capabilities-exporter.config" -}}
{{- $targets := list }}
{{- if include "libvirt-capabilities-exporter.hasLocalTarget" . }}
{{- if not (or .Values.local.readOnly .Values.local.libvirtGroupId) }}
{{- fail "local.libvirtGroupId is required: the GID of the libvirt group on the nodes (getent group libvirt), which domain capabilities need for the read-write socket; or set local.readOnly=true for host capabilities only" }}
{{- end }}
{{- $local := dict "Uri" .Values.local.uri "Group" .Values.local.group "ReadOnly" .Values.local.readOnly }}
{{- with .Values.local.name }}{{ $_ := set $local "Name" . }}{{ end }}
{{- $targets = append $targets $local }}
{{- end }}
{{- range .Values.targets }}
{{- $t := deepCopy . }}
{{- if and (regexMatch "^[a-z0-9]+\\+tls://" $t.Uri) (not (contains "pkipath=" $t.Uri)) }}
{{- if not $.Values.tls.existingSecret }}
{{- fail (printf "target %s uses TLS: set tls.existingSecret to a Secret with cacert.pem, clientcert.pem and clientkey.pem" $t.Uri) }}
{{- end }}
{{- $_ := set $t "Uri" (printf "%s%spkipath=%s" $t.Uri (ternary "&" "?" (contains "?" $t.Uri)) $.Values.tls.mountPath) }}
{{- end }}
{{- $targets = append $targets $t }}
{{- end }}
{{- if not $targets }}
{{- fail "mode deployment needs at least one entry in targets" }}
{{- end }}
{{- $config := deepCopy .Values.config }}
{{- $libvirt := deepCopy (default dict .Values.config.Libvirt) }}
{{- $_ := set $libvirt "Targets" $targets }}
{{- $_ = set $config "Libvirt" $libvirt }}
{{- $stateConfig := deepCopy (default dict .Values.config.State) }}
{{- $_ = set $stateConfig "Directory" (ternary .Values.state.mountPath "" .Values.state.enabled) }}
{{- $_ = set $config "State" $stateConfig }}
{{- /* toPrettyJson escapes &, < and > for HTML; this is no HTML, and URIs read better unescaped. */}}
{{- toPrettyJson $config | replace "\\u0026" "&" | replace "\\u003c" "<" | replace "\\u003e" ">" }}
{{- end }}

{{- define "libvirt-capabilities-exporter.probeHandler" -}}
{{- if .Values.webConfig.requiresAuth -}}
tcpSocket:
  port: metrics
{{- else -}}
httpGet:
  path: {{ .path }}
  port: metrics
  scheme: {{ ternary "HTTPS" "HTTP" (and .Values.webConfig.enabled .Values.webConfig.tls) }}
{{- end }}
{{- end }}

{{/*
The exporter container, one list item's content. Pod-independent: it carries its own non-root user and
seccomp profile, so it can join a pod whose other containers run otherwise (sidecar mode). Use it as
  containers:
    - {{- include "libvirt-capabilities-exporter.container" $ctx | nindent 6 }}
*/}}
{{- define "libvirt-capabilities-exporter.container" -}}
name: libvirt-capabilities-exporter
image: {{ include "libvirt-capabilities-exporter.image" . }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
args:
  - --config.file=/etc/libvirt-capabilities-exporter/config.json
  - --web.listen-address=:{{ .Values.port }}
  - --log.format={{ .Values.logFormat }}
  {{- if .Values.webConfig.enabled }}
  - --web.config.file=/etc/libvirt-capabilities-exporter/web/web-config.yml
  {{- end }}
  {{- if and (include "libvirt-capabilities-exporter.hasLocalTarget" .) (not .Values.local.name) }}
  - --Libvirt:Targets:0:Name=$(NODE_NAME)
  {{- end }}
  {{- range .Values.extraArgs }}
  - {{ . | quote }}
  {{- end }}
env:
  - name: NODE_NAME
    valueFrom:
      fieldRef:
        fieldPath: spec.nodeName
  {{- with .Values.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
ports:
  - name: metrics
    containerPort: {{ .Values.port }}
    protocol: TCP
livenessProbe:
  {{- include "libvirt-capabilities-exporter.probeHandler" (dict "path" "/healthz" "Values" .Values) | nindent 2 }}
  {{- toYaml .Values.livenessProbe | nindent 2 }}
readinessProbe:
  {{- include "libvirt-capabilities-exporter.probeHandler" (dict "path" "/readyz" "Values" .Values) | nindent 2 }}
  {{- toYaml .Values.readinessProbe | nindent 2 }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
resources:
  {{- toYaml .Values.resources | nindent 2 }}
volumeMounts:
  - name: exporter-config
    mountPath: /etc/libvirt-capabilities-exporter/config.json
    subPath: config.json
    readOnly: true
  - name: exporter-tmp
    mountPath: /tmp
  {{- if .Values.state.enabled }}
  - name: exporter-state
    mountPath: {{ .Values.state.mountPath }}
  {{- end }}
  {{- if include "libvirt-capabilities-exporter.hasLocalTarget" . }}
  - name: {{ default "exporter-libvirt" .Values.sidecar.socketVolume }}
    mountPath: {{ .Values.local.socketDirectory }}
    readOnly: true
  {{- end }}
  {{- if .Values.tls.existingSecret }}
  - name: exporter-pki
    mountPath: {{ .Values.tls.mountPath }}
    readOnly: true
  {{- end }}
  {{- if .Values.webConfig.enabled }}
  - name: exporter-web
    mountPath: /etc/libvirt-capabilities-exporter/web
    readOnly: true
  {{- end }}
  {{- with .Values.extraVolumeMounts }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/* The volumes the container mounts, as list items (in sidecar mode, add them to the host pod). */}}
{{- define "libvirt-capabilities-exporter.volumes" -}}
- name: exporter-config
  configMap:
    name: {{ include "libvirt-capabilities-exporter.fullname" . }}
- name: exporter-tmp
  emptyDir:
    medium: Memory
    sizeLimit: 16Mi
{{- if .Values.state.enabled }}
- name: exporter-state
  {{- if eq .Values.mode "daemonset" }}
  hostPath:
    path: {{ default (printf "/var/lib/libvirt-capabilities-exporter/%s" .Release.Name) .Values.state.hostPath }}
    type: DirectoryOrCreate
  {{- else }}
  emptyDir: {}
  {{- end }}
{{- end }}
{{- if and (include "libvirt-capabilities-exporter.hasLocalTarget" .) (not .Values.sidecar.socketVolume) }}
- name: exporter-libvirt
  hostPath:
    path: {{ .Values.local.socketDirectory }}
    type: Directory
{{- end }}
{{- if .Values.tls.existingSecret }}
- name: exporter-pki
  secret:
    secretName: {{ .Values.tls.existingSecret }}
    defaultMode: 288 # 0440
    items:
      - {key: cacert.pem, path: cacert.pem}
      - {key: clientcert.pem, path: clientcert.pem}
      - {key: clientkey.pem, path: clientkey.pem}
{{- end }}
{{- if .Values.webConfig.enabled }}
- name: exporter-web
  secret:
    secretName: {{ include "libvirt-capabilities-exporter.webConfigSecret" . }}
    defaultMode: 288 # 0440
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Pod spec of the daemonset and deployment modes. */}}
{{- define "libvirt-capabilities-exporter.podTemplate" -}}
metadata:
  labels:
    {{- include "libvirt-capabilities-exporter.selectorLabels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include "libvirt-capabilities-exporter.config" . | sha256sum }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "libvirt-capabilities-exporter.serviceAccountName" . }}
  # The exporter never talks to the Kubernetes API.
  automountServiceAccountToken: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  securityContext:
    {{- $groups := .Values.podSecurityContext.supplementalGroups | default list }}
    {{- if and (include "libvirt-capabilities-exporter.hasLocalTarget" .) .Values.local.libvirtGroupId (not .Values.local.readOnly) }}
    {{- $groups = prepend $groups .Values.local.libvirtGroupId }}
    {{- end }}
    {{- toYaml (merge (dict "supplementalGroups" $groups) (omit .Values.podSecurityContext "supplementalGroups")) | nindent 4 }}
  {{- if and (eq .Values.mode "daemonset") .Values.state.enabled .Values.state.chownHostPath }}
  initContainers:
    # kubelet makes a missing hostPath as root 0755; the exporter (UID 65532) must write its state there.
    - name: chown-state
      image: {{ include "libvirt-capabilities-exporter.image" . }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      command: [chown, "{{ .Values.securityContext.runAsUser }}:{{ .Values.securityContext.runAsGroup }}", {{ .Values.state.mountPath | quote }}]
      securityContext:
        runAsUser: 0
        runAsNonRoot: false
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities:
          drop: [ALL]
          add: [CHOWN]
        seccompProfile:
          type: RuntimeDefault
      resources:
        {{- toYaml .Values.resources | nindent 8 }}
      volumeMounts:
        - name: exporter-state
          mountPath: {{ .Values.state.mountPath }}
  {{- end }}
  containers:
    - {{- include "libvirt-capabilities-exporter.container" . | nindent 6 }}
  volumes:
    {{- include "libvirt-capabilities-exporter.volumes" . | nindent 4 }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
