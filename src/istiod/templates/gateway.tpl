{{/*
  ============================================================================
  cdk8s-istio injection template "gateway"
  ============================================================================
  Selected by the pod annotation `inject.istio.io/templates: gateway`. It
  turns a Deployment whose only container is
      - name: istio-proxy
        image: auto
  into a working Envoy gateway (`proxy router`): real image, args, env,
  readiness probe, the Prometheus port, the identity/certificate volumes.
  No init container: a gateway receives traffic on its own listeners, there
  is nothing to capture.

  Same inputs as the "sidecar" template (.ObjectMeta, .Spec, .DeploymentMeta,
  .TypeMeta, .Values, .ProxyConfig, .MeshConfig, .ProxyImage, .ProxyUID,
  .ProxyGID, .Revision). istiod parses every template on its own, so this
  file repeats the few definitions it shares with "sidecar". Whatever the
  chart put on the container (ports, resources, securityContext) stays: the
  result is merged into it with a strategic merge patch.
*/}}
{{- $proxy := .Values.global.proxy }}
{{- $features := .Values.sidecarInjectorWebhook.templateFeatures }}
{{- $annotations := .ObjectMeta.Annotations }}
{{- $labels := .ObjectMeta.Labels }}
{{- $statusPort := annotation .ObjectMeta "status.sidecar.istio.io/port" $proxy.statusPort }}
{{- $mode := annotation .ObjectMeta "sidecar.istio.io/interceptionMode" .ProxyConfig.InterceptionMode }}

{{- /* Image: a full reference (with "/") from the annotation or values wins. */}}
{{- $image := .ProxyImage }}
{{- $wanted := annotation .ObjectMeta "sidecar.istio.io/proxyImage" $proxy.image }}
{{- if contains "/" $wanted }}{{ $image = $wanted }}{{ end }}

{{- $proxyLogLevel := annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel }}
{{- $componentLogLevel := annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel }}
{{- $agentLogLevel := annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" .Values.global.logging.level }}

{{- /* Resources come from the chart; the four proxy annotations replace them. */}}
{{- $resources := dict }}
{{- $cpu := "sidecar.istio.io/proxyCPU" }}
{{- $memory := "sidecar.istio.io/proxyMemory" }}
{{- $cpuLimit := "sidecar.istio.io/proxyCPULimit" }}
{{- $memoryLimit := "sidecar.istio.io/proxyMemoryLimit" }}
{{- if or (isset $annotations $cpu) (isset $annotations $memory) (isset $annotations $cpuLimit) (isset $annotations $memoryLimit) }}
  {{- $requests := dict }}
  {{- $limits := dict }}
  {{- if isset $annotations $cpu }}{{ $_ := set $requests "cpu" (index $annotations $cpu) }}{{ end }}
  {{- if isset $annotations $memory }}{{ $_ := set $requests "memory" (index $annotations $memory) }}{{ end }}
  {{- if isset $annotations $cpuLimit }}{{ $_ := set $limits "cpu" (index $annotations $cpuLimit) }}{{ end }}
  {{- if isset $annotations $memoryLimit }}{{ $_ := set $limits "memory" (index $annotations $memoryLimit) }}{{ end }}
  {{- if $requests }}{{ $_ := set $resources "requests" $requests }}{{ end }}
  {{- if $limits }}{{ $_ := set $resources "limits" $limits }}{{ end }}
{{- end }}

{{- $appContainers := list }}
{{- $podPorts := list }}
{{- /* Every container's ports, the chart's istio-proxy container's own included (as istiod's gateway template). */}}
{{- range .Spec.Containers }}
  {{- if ne .Name "istio-proxy" }}{{ $appContainers = append $appContainers .Name }}{{ end }}
  {{- range .Ports }}{{ $podPorts = append $podPorts (structToJSON .) }}{{ end }}
{{- end }}
{{- /* ISTIO_META_POD_PORTS: one port a line, as in "sidecar". */}}
{{- $podPortsText := "[" }}
{{- range $i, $p := $podPorts }}
  {{- $podPortsText = printf "%s\n    %s%s" $podPortsText (ternary "" "," (eq $i 0)) $p }}
{{- end }}
{{- $podPortsText = printf "%s\n]" $podPortsText }}

{{- $canonicalName := index $labels "service.istio.io/canonical-name" | default (index $labels "app.kubernetes.io/name") | default (index $labels "app") | default .DeploymentMeta.Name | trunc 63 | trimSuffix "-" }}
{{- $canonicalRevision := index $labels "service.istio.io/canonical-revision" | default (index $labels "app.kubernetes.io/version") | default (index $labels "version") | default "latest" }}
{{- $workloadName := .DeploymentMeta.Name }}
{{- if and $features.workloadNameLabel (index $labels "service.istio.io/workload-name") }}
  {{- $workloadName = index $labels "service.istio.io/workload-name" }}
{{- end }}
{{- $owner := "" }}
{{- if .DeploymentMeta.Name }}
  {{- $owner = printf "kubernetes://apis/%s/namespaces/%s/%ss/%s" .TypeMeta.APIVersion (.DeploymentMeta.Namespace | default "default") (toLower .TypeMeta.Kind) .DeploymentMeta.Name }}
{{- end }}
{{- $trustDomain := .MeshConfig.TrustDomain | default "cluster.local" }}
{{- $meshId := .Values.global.meshID | default $trustDomain }}
{{- $caAddress := .Values.global.caAddress }}
{{- if not $caAddress }}
  {{- $revisionSuffix := "" }}
  {{- if .Values.revision }}{{ $revisionSuffix = printf "-%s" .Values.revision }}{{ end }}
  {{- $caAddress = printf "istiod%s.%s.svc:15012" $revisionSuffix .Values.global.istioNamespace }}
{{- end }}
{{- $divisor := $features.resourceFieldRefDivisor | toString }}
{{- /* ===================================================================
       Output
       =================================================================== */}}
metadata:
  labels:
    service.istio.io/canonical-name: {{ $canonicalName | quote }}
    service.istio.io/canonical-revision: {{ $canonicalRevision | quote }}
  annotations:
    istio.io/rev: {{ .Revision | default "default" | quote }}
spec:
  {{- /* Pod security context: the values' gateways.securityContext where the release has it (1.30) and it is set,
         else the sysctl that lets the proxy bind ports below 1024 without root. */}}
  securityContext:
  {{- $podSecurity := dict }}
  {{- with .Values.gateways }}{{ $podSecurity = .securityContext | default dict }}{{ end }}
  {{- if $podSecurity }}
    {{- toYaml $podSecurity | nindent 4 }}
  {{- else }}
    sysctls:
    - name: net.ipv4.ip_unprivileged_port_start
      value: "0"
  {{- end }}
  containers:
  - name: istio-proxy
    image: {{ $image | quote }}
    {{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ . | quote }}
    {{- end }}
    args:
    - proxy
    - router
    - --domain
    - {{ printf "$(POD_NAMESPACE).svc.%s" $proxy.clusterDomain | quote }}
    - {{ printf "--proxyLogLevel=%s" $proxyLogLevel | quote }}
    - {{ printf "--proxyComponentLogLevel=%s" $componentLogLevel | quote }}
    - {{ printf "--log_output_level=%s" $agentLogLevel | quote }}
    {{- if .Values.global.logAsJson }}
    - --log_as_json
    {{- end }}
    ports:
    - name: http-envoy-prom
      containerPort: 15090
      protocol: TCP
    env:
    {{- with .Values.global.jwtPolicy }}
    - name: JWT_POLICY
      value: {{ . | quote }}
    {{- end }}
    - name: PILOT_CERT_PROVIDER
      value: {{ .Values.global.pilotCertProvider | quote }}
    - name: CA_ADDR
      value: {{ $caAddress | quote }}
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: POD_NAMESPACE
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
    - name: INSTANCE_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    - name: SERVICE_ACCOUNT
      valueFrom:
        fieldRef:
          fieldPath: spec.serviceAccountName
    - name: HOST_IP
      valueFrom:
        fieldRef:
          fieldPath: status.hostIP
    - name: ISTIO_CPU_LIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.cpu
          divisor: {{ $divisor | quote }}
    - name: PROXY_CONFIG
      value: {{ printf "%s\n" (protoToJSON .ProxyConfig) | quote }}
    - name: ISTIO_META_POD_PORTS
      value: {{ $podPortsText | quote }}
    - name: GOMEMLIMIT
      valueFrom:
        resourceFieldRef:
          resource: limits.memory
          divisor: {{ $divisor | quote }}
    - name: GOMAXPROCS
      valueFrom:
        resourceFieldRef:
          resource: limits.cpu
          divisor: {{ $divisor | quote }}
    {{- /* after the Go limits here (before them in "sidecar"), as istiod's gateway template orders them */}}
    - name: ISTIO_META_APP_CONTAINERS
      value: {{ join "," $appContainers | quote }}
    {{- if $features.compliancePolicy }}
    {{- with .CompliancePolicy }}
    - name: COMPLIANCE_POLICY
      value: {{ . | quote }}
    {{- end }}
    {{- end }}
    - name: ISTIO_META_CLUSTER_ID
      value: {{ .Values.global.multiCluster.clusterName | default "Kubernetes" | quote }}
    - name: ISTIO_META_NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    - name: ISTIO_META_INTERCEPTION_MODE
      value: {{ $mode | quote }}
    {{- with .Values.global.network }}
    - name: ISTIO_META_NETWORK
      value: {{ . | quote }}
    {{- end }}
    - name: ISTIO_META_WORKLOAD_NAME
      value: {{ $workloadName | quote }}
    {{- if $owner }}
    - name: ISTIO_META_OWNER
      value: {{ $owner | quote }}
    {{- end }}
    - name: ISTIO_META_MESH_ID
      value: {{ $meshId | quote }}
    - name: TRUST_DOMAIN
      value: {{ $trustDomain | quote }}
    {{- range $name, $value := .ProxyConfig.ProxyMetadata }}
    - name: {{ $name | quote }}
      value: {{ $value | quote }}
    {{- end }}
    {{- if ne $statusPort "0" }}
    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15021
      initialDelaySeconds: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/initialDelaySeconds" $proxy.readinessInitialDelaySeconds }}
      periodSeconds: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/periodSeconds" $proxy.readinessPeriodSeconds }}
      timeoutSeconds: 3
      failureThreshold: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/failureThreshold" $proxy.readinessFailureThreshold }}
    {{- end }}
    {{- if $resources }}
    resources:
      {{ toYaml $resources | indent 6 | trim }}
    {{- end }}
    {{- /* Only the proxy's user and group: the rest of the container's security context is the chart's own
           (our IngressGateway and EgressGateway set it to Pod Security "restricted"). */}}
    securityContext:
      runAsUser: {{ .ProxyUID | default 1337 }}
      runAsGroup: {{ .ProxyGID | default 1337 }}
    volumeMounts:
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
    - name: credential-socket
      mountPath: /var/run/secrets/credential-uds
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
    - name: istio-envoy
      mountPath: /etc/istio/proxy
    - name: istio-data
      mountPath: /var/lib/istio/data
    - name: istio-podinfo
      mountPath: /etc/istio/pod
    - name: istio-token
      mountPath: /var/run/secrets/tokens
    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
  volumes:
  - name: workload-socket
    emptyDir: null
  - name: credential-socket
    emptyDir: {}
  - name: workload-certs
    emptyDir: {}
  - name: istio-envoy
    emptyDir:
      medium: Memory
  - name: istio-data
    emptyDir: {}
  - name: istio-podinfo
    downwardAPI:
      items:
      - path: labels
        fieldRef:
          fieldPath: metadata.labels
      - path: annotations
        fieldRef:
          fieldPath: metadata.annotations
  - name: istio-token
    projected:
      sources:
      - serviceAccountToken:
          audience: {{ .Values.global.sds.token.aud | quote }}
          expirationSeconds: 43200
          path: istio-token
  - name: istiod-ca-cert
    configMap:
      name: istio-ca-root-cert
  {{- with .Values.global.imagePullSecrets }}
  imagePullSecrets:
  {{- range . }}
  - name: {{ . | quote }}
  {{- end }}
  {{- end }}
