{{- define "registry.fullname" -}}{{ .Release.Name }}-{{ .Chart.Name }}{{- end -}}
{{- define "registry.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- /* The serving pods: the Service, the PDB and the HPA's Deployment select these, not the relay's. */ -}}
{{- define "registry.serverLabels" -}}
{{ include "registry.labels" . }}
app.kubernetes.io/component: server
{{- end -}}
