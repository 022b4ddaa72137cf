{{- define "parent.greet" -}}hello {{ .name }}{{- end }}
