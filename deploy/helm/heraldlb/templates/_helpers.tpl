{{/* Labels every object carries, as in deploy/base. */}}
{{- define "heraldlb.labels" -}}
app.kubernetes.io/part-of: heraldlb
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* ghcr.io/heraldlb/<program>:<tag>; the tag defaults to the chart's appVersion. */}}
{{- define "heraldlb.image" -}}
{{- $ := index . 0 -}}
{{- $program := index . 1 -}}
{{- printf "%s/%s:%s" $.Values.image.registry $program (default $.Chart.AppVersion $.Values.image.tag) -}}
{{- end }}

{{- define "heraldlb.scheme" -}}
{{- if .Values.metrics.tls.enabled }}HTTPS{{ else }}HTTP{{ end -}}
{{- end }}

{{/* Settings both programs share. */}}
{{- define "heraldlb.commonEnv" -}}
{{- if .Values.loadBalancerClass }}
- name: HERALDLB_LOAD_BALANCER_CLASS
  value: {{ .Values.loadBalancerClass | quote }}
{{- end }}
{{- if .Values.metrics.tls.enabled }}
- name: HERALDLB_HTTP_TLS_DIR
  value: /etc/heraldlb/metrics-tls
{{- end }}
{{- if .Values.metrics.authorization }}
{{- if not .Values.metrics.tls.enabled }}
{{- fail "metrics.authorization needs metrics.tls.enabled: bearer tokens must not cross the network in plain HTTP" }}
{{- end }}
- name: HERALDLB_HTTP_AUTHORIZATION
  value: kubernetes
{{- end }}
{{- end }}

{{- define "heraldlb.tlsMount" -}}
{{- if .Values.metrics.tls.enabled }}
- name: metrics-tls
  mountPath: /etc/heraldlb/metrics-tls
  readOnly: true
{{- end }}
{{- end }}

{{- define "heraldlb.tlsVolume" -}}
{{- if .Values.metrics.tls.enabled }}
- name: metrics-tls
  secret:
    secretName: {{ .Values.metrics.tls.secretName }}
    defaultMode: 0440
{{- end }}
{{- end }}
