{{/*
Chart name, truncated to the 63 characters of a DNS label.
*/}}
{{- define "kabinet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name. Truncated to 50 characters so that suffixes such as "-migrations" still fit
in the 63 characters of a name.
*/}}
{{- define "kabinet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "kabinet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "kabinet.labels" -}}
helm.sh/chart: {{ include "kabinet.chart" . }}
{{ include "kabinet.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: kabinet
{{- end }}

{{/*
Selector labels.
*/}}
{{- define "kabinet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kabinet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of one component. Call with (dict "ctx" $ "component" "web").
*/}}
{{- define "kabinet.componentLabels" -}}
{{ include "kabinet.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Selector labels of one component. Call with (dict "ctx" $ "component" "web").
*/}}
{{- define "kabinet.componentSelectorLabels" -}}
{{ include "kabinet.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
The image reference; the tag defaults to the chart's appVersion.
*/}}
{{- define "kabinet.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}

{{/*
Name of the ServiceAccount the pods use.
*/}}
{{- define "kabinet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "kabinet.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The platform domain, checked: required, a bare host name.
*/}}
{{- define "kabinet.platformDomain" -}}
{{- $domain := required "platformDomain is required, e.g. --set platformDomain=kabinet.example.com" .Values.platformDomain | lower | trimSuffix "." }}
{{- if or (contains "/" $domain) (contains ":" $domain) (hasPrefix "*" $domain) }}
{{- fail (printf "platformDomain must be a bare host name without scheme, port or wildcard, got %q" $domain) }}
{{- end }}
{{- $domain }}
{{- end }}

{{/*
Name of the Secret holding SECRET_KEY, DATABASE_URL, REDIS_URL, PLATFORM_ADMIN_EMAIL, PLATFORM_ADMIN_PASSWORD.
*/}}
{{- define "kabinet.secretName" -}}
{{- default (include "kabinet.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/*
Name of the Secret the migrations Job reads. The release's own Secret is made only after pre-install hooks
have run, so without an existingSecret the Job gets a hook copy of it.
*/}}
{{- define "kabinet.migrationsSecretName" -}}
{{- if .Values.secrets.existingSecret }}
{{- .Values.secrets.existingSecret }}
{{- else }}
{{- printf "%s-migrations" (include "kabinet.fullname" .) }}
{{- end }}
{{- end }}

{{/*
Non-secret environment (the ConfigMap's data), as a YAML map of strings.
*/}}
{{- define "kabinet.configEnv" -}}
PLATFORM_DOMAIN: {{ include "kabinet.platformDomain" . | quote }}
PLATFORM_URL_SCHEME: {{ .Values.config.platformUrlScheme | quote }}
SECURE_COOKIES: {{ ternary "1" "0" (has (.Values.config.secureCookies | toString | lower) (list "true" "1" "yes" "on")) | quote }}
HTTPS_ONLY: {{ ternary "1" "0" (has (.Values.config.httpsOnly | toString | lower) (list "true" "1" "yes" "on")) | quote }}
TENANT_SPARE_SCHEMAS: {{ .Values.config.tenantSpareSchemas | toString | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | upper | quote }}
TRUSTED_PROXY_COUNT: {{ .Values.config.trustedProxyCount | toString | quote }}
LOGIN_FAILURE_LIMIT: {{ .Values.config.loginFailureLimit | toString | quote }}
LOGIN_COOLOFF_MINUTES: {{ .Values.config.loginCooloffMinutes | toString | quote }}
KABINET_DATA_DIR: {{ .Values.config.dataDir | quote }}
DJANGO_SETTINGS_MODULE: "cabinet.settings"
PYTHONPATH: {{ printf "%s:%s/platform" .Values.image.workdir .Values.image.workdir | quote }}
PYTHONUNBUFFERED: "1"
PYTHONDONTWRITEBYTECODE: "1"
HOME: "/tmp"
{{- range $key, $value := .Values.config.extraEnv }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
Secret environment (the Secret's stringData), as a YAML map of strings.
*/}}
{{- define "kabinet.secretEnv" -}}
SECRET_KEY: {{ required "secrets.secretKey is required (or set secrets.existingSecret)" .Values.secrets.secretKey | quote }}
DATABASE_URL: {{ required "secrets.databaseUrl is required (or set secrets.existingSecret)" .Values.secrets.databaseUrl | quote }}
REDIS_URL: {{ required "secrets.redisUrl is required (or set secrets.existingSecret)" .Values.secrets.redisUrl | quote }}
PLATFORM_ADMIN_EMAIL: {{ .Values.secrets.platformAdminEmail | quote }}
PLATFORM_ADMIN_PASSWORD: {{ .Values.secrets.platformAdminPassword | quote }}
{{- range $key, $value := .Values.secrets.extra }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/*
Pod-level fields shared by every pod of the chart.
*/}}
{{- define "kabinet.podCommon" -}}
serviceAccountName: {{ include "kabinet.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountServiceAccountToken }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/*
Pod annotations: config checksums (so a changed ConfigMap or Secret rolls the pods), the chart-wide ones
and the component's own. Call with (dict "ctx" $ "extra" .Values.web.podAnnotations).
*/}}
{{- define "kabinet.podAnnotations" -}}
checksum/config: {{ include "kabinet.configEnv" .ctx | sha256sum }}
{{- if not .ctx.Values.secrets.existingSecret }}
checksum/secret: {{ include "kabinet.secretEnv" .ctx | sha256sum }}
{{- end }}
{{- with .ctx.Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
envFrom of the long-running containers.
*/}}
{{- define "kabinet.envFrom" -}}
- configMapRef:
    name: {{ include "kabinet.fullname" . }}
- secretRef:
    name: {{ include "kabinet.secretName" . }}
{{- with .Values.extraEnvFrom }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Volumes: a writable /tmp and data directory (the root filesystem is read-only), STATIC_ROOT, and the media
volume.
Call with (dict "ctx" $ "media" true).
*/}}
{{- define "kabinet.volumes" -}}
- name: tmp
  emptyDir: {}
- name: data
  emptyDir: {}
- name: static
  emptyDir: {}
{{- if and .media .ctx.Values.persistence.media.enabled }}
- name: media
  persistentVolumeClaim:
    claimName: {{ default (printf "%s-media" (include "kabinet.fullname" .ctx)) .ctx.Values.persistence.media.existingClaim }}
{{- end }}
{{- end }}

{{/*
Volume mounts matching kabinet.volumes. Call with (dict "ctx" $ "media" true).
*/}}
{{- define "kabinet.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: {{ .ctx.Values.config.dataDir }}
# STATIC_ROOT: empty (WhiteNoise serves static files from the apps' finders), but it must exist.
- name: static
  mountPath: {{ printf "%s/static" (.ctx.Values.config.dataDir | trimSuffix "/") }}
{{- if and .media .ctx.Values.persistence.media.enabled }}
- name: media
  mountPath: {{ printf "%s/media" (.ctx.Values.config.dataDir | trimSuffix "/") }}
{{- end }}
{{- end }}
