{{/*
  ============================================================================
  cdk8s-istio injection template "sidecar"
  ============================================================================
  istiod runs this text for every pod it injects: Go text/template, with
  sprig's functions and istiod's own on top (annotation, isset,
  excludeInboundPort, structToJSON, protoToJSON, toYaml, indent, fromJSON,
  appendMultusNetwork, contains, ...). The output is a pod *fragment*
  (metadata + spec) that istiod merges into the pod with a strategic merge
  patch: containers, env, ports, mounts and volumes merge by name/key, the
  rest is added or replaced.

  Inputs:
    .ObjectMeta / .Spec          the pod being admitted (its annotations tune
                                 almost everything below)
    .DeploymentMeta / .TypeMeta  the owning workload (name, namespace, kind)
    .Values                      the `values` key of this ConfigMap, written
                                 by cdk8s-istio for one Istio release line
    .ProxyConfig / .MeshConfig   mesh config; .ProxyConfig already carries
                                 the pod's `proxy.istio.io/config`
    .ProxyImage                  proxy image istiod resolved from the values
    .ProxyUID / .ProxyGID        1337 unless the namespace says otherwise
    .NativeSidecars              istiod's native-sidecar decision
    .Revision                    the control-plane revision ("" = default)

  One text serves Istio 1.20 and 1.30. Release-line differences are switched
  by data in the values (.Values.global.jwtPolicy, istio_cni vs pilot.cni,
  global.proxy.enableCoreDump, global.nativeNftables and the
  sidecarInjectorWebhook.templateFeatures block), never by version strings.

  Left to istiod's Go code after the merge (not done here): the
  sidecar.istio.io/status annotation, Prometheus metrics-merge annotations,
  rewriting application HTTP probes, the network label, container order.
*/}}
{{- /* ---------------------------------------------------------------------
       Shorthands
       --------------------------------------------------------------------- */}}
{{- $proxy := .Values.global.proxy }}
{{- $features := .Values.sidecarInjectorWebhook.templateFeatures }}
{{- $annotations := .ObjectMeta.Annotations }}
{{- $labels := .ObjectMeta.Labels }}

{{- /* Traffic capture mode: the pod annotation, else the mesh proxy config
       (REDIRECT unless configured). NONE means no iptables at all. */}}
{{- $mode := annotation .ObjectMeta "sidecar.istio.io/interceptionMode" .ProxyConfig.InterceptionMode }}
{{- $iptables := ne $mode "NONE" }}

{{- /* pilot-agent status port; "0" switches the proxy probes off. */}}
{{- $statusPort := annotation .ObjectMeta "status.sidecar.istio.io/port" $proxy.statusPort }}

{{- /* Istio CNI: the values key differs per release line (istio_cni on 1.20,
       pilot.cni on 1.30); only one of them exists. */}}
{{- $cni := or (dig "istio_cni" "enabled" false .Values) (dig "pilot" "cni" "enabled" false .Values) }}
{{- $cniProvider := dig "istio_cni" "provider" (dig "pilot" "cni" "provider" "default" .Values) .Values }}

{{- /* Native sidecar. 1.30: istiod's decision (.NativeSidecars, a field of the 1.30 template data only), which a
       pod may force on or off with sidecar.istio.io/nativeSidecar. 1.20: its template data has no such field;
       the decision is istiod's ENABLE_NATIVE_SIDECARS environment variable ("false" unless set). The guard keeps
       1.20 from evaluating the field: Go templates resolve fields only when the branch runs. */}}
{{- $native := false }}
{{- if $features.nativeSidecarAnnotation }}
  {{- $native = .NativeSidecars }}
  {{- $choice := annotation .ObjectMeta "sidecar.istio.io/nativeSidecar" "" | toLower }}
  {{- if eq $choice "true" }}{{ $native = true }}{{ else if eq $choice "false" }}{{ $native = false }}{{ end }}
{{- else }}
  {{- $native = eq (env "ENABLE_NATIVE_SIDECARS" "false") "true" }}
{{- end }}

{{- /* Core dumps (1.20 only: the values carry global.proxy.enableCoreDump
       only there). */}}
{{- $coreDump := false }}
{{- if hasKey $proxy "enableCoreDump" }}
  {{- $coreDump = or $proxy.enableCoreDump (eq (annotation .ObjectMeta "sidecar.istio.io/enableCoreDump" "false") "true") }}
{{- end }}

{{- /* Hold the application until the proxy is ready: values or mesh/pod proxy config. */}}
{{- $hold := or $proxy.holdApplicationUntilProxyStarts .ProxyConfig.HoldApplicationUntilProxyStarts.GetValue }}

{{- /* Images: an annotation or values image containing "/" is a full
       reference; anything else means the image istiod resolved. */}}
{{- $image := .ProxyImage }}
{{- $wanted := annotation .ObjectMeta "sidecar.istio.io/proxyImage" $proxy.image }}
{{- if contains "/" $wanted }}{{ $image = $wanted }}{{ end }}
{{- $initImage := .ProxyImage }}
{{- $wantedInit := annotation .ObjectMeta "sidecar.istio.io/proxyImage" .Values.global.proxy_init.image }}
{{- if contains "/" $wantedInit }}{{ $initImage = $wantedInit }}{{ end }}

{{- /* Capture settings: pod annotations win over the values. */}}
{{- $includeOutboundIPs := annotation .ObjectMeta "traffic.sidecar.istio.io/includeOutboundIPRanges" $proxy.includeIPRanges }}
{{- $excludeOutboundIPs := annotation .ObjectMeta "traffic.sidecar.istio.io/excludeOutboundIPRanges" $proxy.excludeIPRanges }}
{{- $includeInbound := annotation .ObjectMeta "traffic.sidecar.istio.io/includeInboundPorts" $proxy.includeInboundPorts }}
{{- $includeOutboundPorts := annotation .ObjectMeta "traffic.sidecar.istio.io/includeOutboundPorts" $proxy.includeOutboundPorts }}
{{- $excludeOutboundPorts := annotation .ObjectMeta "traffic.sidecar.istio.io/excludeOutboundPorts" $proxy.excludeOutboundPorts }}
{{- $excludeInterfaces := annotation .ObjectMeta "traffic.sidecar.istio.io/excludeInterfaces" "" }}
{{- /* Virtual interfaces to reroute: the legacy name, overridden by the newer one where the release reads it. */}}
{{- $rerouteInterfaces := annotation .ObjectMeta "traffic.sidecar.istio.io/kubevirtInterfaces" "" }}
{{- if and $features.rerouteVirtualInterfaces (isset $annotations "istio.io/reroute-virtual-interfaces") }}
  {{- $rerouteInterfaces = index $annotations "istio.io/reroute-virtual-interfaces" }}
{{- end }}
{{- /* Inbound ports never captured: the pod's (or values') own exclusions and the agent status port; the
       iptables argument puts Envoy's Prometheus and health ports (15090, 15021) first, as istiod writes it. The
       CNI plugin adds those two itself, so the annotation for it carries only the rest. */}}
{{- $excludeInbound := excludeInboundPort $statusPort (annotation .ObjectMeta "traffic.sidecar.istio.io/excludeInboundPorts" $proxy.excludeInboundPorts) }}
{{- $excludeInboundArg := "15090,15021" }}
{{- with $excludeInbound }}{{ $excludeInboundArg = printf "15090,15021,%s" . }}{{ end }}

{{- /* Log levels. */}}
{{- $proxyLogLevel := annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel }}
{{- $componentLogLevel := annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel }}
{{- $agentLogLevel := annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" .Values.global.logging.level }}

{{- /* Resources of the proxy and init container: if any of the four
       annotations is set they replace the values' resources entirely. */}}
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
{{- else if $proxy.resources }}
  {{- $resources = $proxy.resources }}
{{- end }}

{{- /* The application containers: their names and ports are told to the agent. */}}
{{- $appContainers := list }}
{{- $podPorts := list }}
{{- range .Spec.Containers }}
  {{- if ne .Name "istio-proxy" }}
    {{- $appContainers = append $appContainers .Name }}
    {{- range .Ports }}{{ $podPorts = append $podPorts (structToJSON .) }}{{ end }}
  {{- end }}
{{- end }}
{{- /* istiod's agent reads ISTIO_META_POD_PORTS as a JSON list written one port a line:
       "[", then "\n    <port>" (later ones with a leading comma), then "\n]". */}}
{{- $podPortsText := "[" }}
{{- range $i, $p := $podPorts }}
  {{- $podPortsText = printf "%s\n    %s%s" $podPortsText (ternary "" "," (eq $i 0)) $p }}
{{- end }}
{{- $podPortsText = printf "%s\n]" $podPortsText }}

{{- /* Canonical service name and revision, with their label fallbacks. */}}
{{- $canonicalName := index $labels "service.istio.io/canonical-name" | default (index $labels "app.kubernetes.io/name") | default (index $labels "app") | default .DeploymentMeta.Name | trunc 63 | trimSuffix "-" }}
{{- $canonicalRevision := index $labels "service.istio.io/canonical-revision" | default (index $labels "app.kubernetes.io/version") | default (index $labels "version") | default "latest" }}

{{- /* Workload identity for the agent. */}}
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

{{- /* The first application container becomes kubectl's default. */}}
{{- $firstApp := "" }}
{{- if $appContainers }}{{ $firstApp = first $appContainers }}{{ end }}

{{- $bootstrapConfigMap := annotation .ObjectMeta "sidecar.istio.io/bootstrapOverride" "" }}
{{- $userVolumes := fromJSON (annotation .ObjectMeta "sidecar.istio.io/userVolume" "{}") }}
{{- $userMounts := fromJSON (annotation .ObjectMeta "sidecar.istio.io/userVolumeMount" "{}") }}
{{- $netBindService := eq (annotation .ObjectMeta "sidecar.istio.io/capNetBindService" "false") "true" }}
{{- $tproxy := eq $mode "TPROXY" }}
{{- $runAsRoot := or $tproxy $netBindService }}
{{- /* ===================================================================
       Output
       =================================================================== */}}
metadata:
  labels:
    security.istio.io/tlsMode: {{ index $labels "security.istio.io/tlsMode" | default "istio" | quote }}
    service.istio.io/canonical-name: {{ $canonicalName | quote }}
    service.istio.io/canonical-revision: {{ $canonicalRevision | quote }}
    {{- if index .ProxyConfig.ProxyMetadata "ISTIO_META_ENABLE_HBONE" }}
    networking.istio.io/tunnel: {{ index $labels "networking.istio.io/tunnel" | default "http" | quote }}
    {{- end }}
  annotations:
    istio.io/rev: {{ .Revision | default "default" | quote }}
    {{- if $firstApp }}
    kubectl.kubernetes.io/default-container: {{ annotation .ObjectMeta "kubectl.kubernetes.io/default-container" $firstApp | quote }}
    kubectl.kubernetes.io/default-logs-container: {{ annotation .ObjectMeta "kubectl.kubernetes.io/default-logs-container" $firstApp | quote }}
    {{- end }}
    {{- if and $cni (eq $cniProvider "multus") }}
    k8s.v1.cni.cncf.io/networks: {{ appendMultusNetwork (index $annotations "k8s.v1.cni.cncf.io/networks") "default/istio-cni" | quote }}
    {{- end }}
    {{- if $cni }}
    {{- /* With CNI the node plugin, not istio-init, sets up capture; it
           reads these pod annotations, so write the effective settings. */}}
    sidecar.istio.io/interceptionMode: {{ $mode | quote }}
    {{- with $includeOutboundIPs }}
    traffic.sidecar.istio.io/includeOutboundIPRanges: {{ . | quote }}
    {{- end }}
    {{- with $excludeOutboundIPs }}
    traffic.sidecar.istio.io/excludeOutboundIPRanges: {{ . | quote }}
    {{- end }}
    traffic.sidecar.istio.io/includeInboundPorts: {{ $includeInbound | quote }}
    traffic.sidecar.istio.io/excludeInboundPorts: {{ $excludeInbound | quote }}
    {{- if $includeOutboundPorts }}
    traffic.sidecar.istio.io/includeOutboundPorts: {{ $includeOutboundPorts | quote }}
    {{- end }}
    {{- if $excludeOutboundPorts }}
    traffic.sidecar.istio.io/excludeOutboundPorts: {{ $excludeOutboundPorts | quote }}
    {{- end }}
    {{- /* the interface annotations the plugin reads are the pod's own, kept as they are */}}
    {{- end }}
spec:
  {{- /* The list keys are written only when something goes under them: a
         null list in a strategic merge patch would delete the pod's own. */}}
  {{- if or $coreDump $iptables $native }}
  initContainers:
  {{- end }}
  {{- if $coreDump }}
  - name: enable-core-dump
    image: {{ $initImage | quote }}
    {{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ . | quote }}
    {{- end }}
    command:
    - /bin/sh
    args:
    - -c
    - sysctl -w kernel.core_pattern=/var/lib/istio/data/core.proxy && ulimit -c unlimited
    securityContext:
      allowPrivilegeEscalation: true
      privileged: true
      capabilities:
        add:
        - SYS_ADMIN
        drop:
        - ALL
      readOnlyRootFilesystem: false
      runAsGroup: 0
      runAsNonRoot: false
      runAsUser: 0
  {{- end }}
  {{- if $iptables }}
  {{- /* istio-init programs iptables for the pod; with CNI the plugin has
         done that already and istio-validation only checks the result. */}}
  - name: {{ if $cni }}istio-validation{{ else }}istio-init{{ end }}
    image: {{ $initImage | quote }}
    {{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ . | quote }}
    {{- end }}
    args:
    - istio-iptables
    - "-p"
    - "15001"
    - "-z"
    - "15006"
    - "-u"
    - {{ .ProxyUID | quote }}
    - "-m"
    - {{ $mode | quote }}
    - "-i"
    - {{ $includeOutboundIPs | quote }}
    - "-x"
    - {{ $excludeOutboundIPs | quote }}
    - "-b"
    - {{ $includeInbound | quote }}
    - "-d"
    - {{ $excludeInboundArg | quote }}
    {{- if $includeOutboundPorts }}
    - "-q"
    - {{ $includeOutboundPorts | quote }}
    {{- end }}
    {{- if $excludeOutboundPorts }}
    - "-o"
    - {{ $excludeOutboundPorts | quote }}
    {{- end }}
    {{- if $rerouteInterfaces }}
    - "-k"
    - {{ $rerouteInterfaces | quote }}
    {{- end }}
    {{- if $excludeInterfaces }}
    - "-c"
    - {{ $excludeInterfaces | quote }}
    {{- end }}
    - {{ printf "--log_output_level=%s" $agentLogLevel | quote }}
    {{- if $cni }}
    - --run-validation
    - --skip-rule-apply
    {{- end }}
    {{- if .Values.global.nativeNftables }}
    - --native-nftables
    {{- end }}
    {{- /* Proxy metadata reaches istio-iptables too (e.g. IPTABLES_TRACE_LOGGING). */}}
    {{- with .ProxyConfig.ProxyMetadata }}
    env:
    {{- range $name, $value := . }}
    - name: {{ $name | quote }}
      value: {{ $value | quote }}
    {{- end }}
    {{- end }}
    {{- if $resources }}
    resources:
      {{ toYaml $resources | indent 6 | trim }}
    {{- end }}
    securityContext:
      {{- if $cni }}
      allowPrivilegeEscalation: false
      privileged: false
      capabilities:
        drop:
        - ALL
      readOnlyRootFilesystem: true
      runAsGroup: {{ .ProxyGID }}
      runAsNonRoot: true
      runAsUser: {{ .ProxyUID }}
      {{- else }}
      allowPrivilegeEscalation: {{ $proxy.privileged }}
      privileged: {{ $proxy.privileged }}
      capabilities:
        add:
        - NET_ADMIN
        - NET_RAW
        drop:
        - ALL
      readOnlyRootFilesystem: false
      runAsGroup: 0
      runAsNonRoot: false
      runAsUser: 0
      {{- end }}
  {{- end }}
  {{- /* The proxy: an init container with restartPolicy Always (native
         sidecar, continuing the list above) or a regular container. */}}
  {{- if not $native }}
  containers:
  {{- end }}
  - name: istio-proxy
    image: {{ $image | quote }}
    {{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ . | quote }}
    {{- end }}
    {{- if $native }}
    restartPolicy: Always
    {{- end }}
    args:
    - proxy
    - sidecar
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
    - name: ISTIO_META_APP_CONTAINERS
      value: {{ join "," $appContainers | quote }}
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
    {{- /* .CompliancePolicy exists only in the 1.30 template data; the guard
           keeps 1.20 from evaluating it. */}}
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
    {{- if $bootstrapConfigMap }}
    - name: ISTIO_BOOTSTRAP_OVERRIDE
      value: /etc/istio/custom-bootstrap/custom_bootstrap.json
    {{- end }}
    - name: ISTIO_META_MESH_ID
      value: {{ $meshId | quote }}
    - name: TRUST_DOMAIN
      value: {{ $trustDomain | quote }}
    {{- if $features.otelResourceAttributes }}
    {{- $otel := list (printf "service.name=%s" $canonicalName) }}
    {{- $otel = append $otel (printf "service.namespace=%s" (annotation .ObjectMeta "resource.opentelemetry.io/service.namespace" "$(POD_NAMESPACE)")) }}
    {{- $otel = append $otel (printf "service.version=%s" (annotation .ObjectMeta "resource.opentelemetry.io/service.version" $canonicalRevision)) }}
    {{- if isset $annotations "resource.opentelemetry.io/service.instance.id" }}
    {{- $otel = append $otel (printf "service.instance.id=%s" (index $annotations "resource.opentelemetry.io/service.instance.id")) }}
    {{- end }}
    - name: OTEL_RESOURCE_ATTRIBUTES
      value: {{ join "," $otel | quote }}
    {{- end }}
    {{- if eq $proxy.tracer "datadog" }}
    {{- with index $annotations "apm.datadoghq.com/env" }}
    {{- range $name, $value := fromJSON . }}
    - name: {{ $name | quote }}
      value: {{ $value | toString | quote }}
    {{- end }}
    {{- end }}
    {{- end }}
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
    {{- if $proxy.startupProbe.enabled }}
    startupProbe:
      httpGet:
        path: /healthz/ready
        port: 15021
      initialDelaySeconds: 0
      periodSeconds: 1
      timeoutSeconds: 3
      failureThreshold: {{ $proxy.startupProbe.failureThreshold }}
    {{- end }}
    {{- end }}
    {{- if $native }}
    {{- /* A native sidecar stops after the app; drain Envoy first. */}}
    lifecycle:
      preStop:
        exec:
          command:
          - pilot-agent
          - request
          - {{ printf "--debug-port=%s" $statusPort | quote }}
          - POST
          - drain
    {{- else if $hold }}
    {{- /* istiod puts the proxy first; kubelet starts the next container
           only once this hook returns, i.e. once the proxy is ready. */}}
    lifecycle:
      postStart:
        exec:
          command:
          - pilot-agent
          - wait
    {{- end }}
    {{- if $resources }}
    resources:
      {{ toYaml $resources | indent 6 | trim }}
    {{- end }}
    securityContext:
      allowPrivilegeEscalation: {{ $proxy.privileged }}
      privileged: {{ $proxy.privileged }}
      capabilities:
        {{- if or $tproxy $netBindService }}
        add:
        {{- if $tproxy }}
        - NET_ADMIN
        {{- end }}
        {{- if $netBindService }}
        - NET_BIND_SERVICE
        {{- end }}
        {{- end }}
        drop:
        - ALL
      readOnlyRootFilesystem: true
      runAsGroup: {{ .ProxyGID }}
      {{- if $runAsRoot }}
      runAsNonRoot: false
      runAsUser: 0
      {{- else }}
      runAsNonRoot: true
      runAsUser: {{ .ProxyUID }}
      {{- end }}
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
    {{- if $features.caCrlVolume }}
    - name: istio-ca-crl
      mountPath: /var/run/secrets/istio/crl
    {{- end }}
    {{- if $bootstrapConfigMap }}
    - name: custom-bootstrap-volume
      mountPath: /etc/istio/custom-bootstrap
    {{- end }}
    {{- range $name, $mount := $userMounts }}
    - name: {{ $name | quote }}
      {{ toYaml $mount | indent 6 | trim }}
    {{- end }}
  volumes:
  - name: workload-socket
    emptyDir: null
  - name: credential-socket
    emptyDir: null
  - name: workload-certs
    emptyDir: null
  {{- if $bootstrapConfigMap }}
  - name: custom-bootstrap-volume
    configMap:
      name: {{ $bootstrapConfigMap | quote }}
  {{- end }}
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
  {{- if $features.caCrlVolume }}
  - name: istio-ca-crl
    configMap:
      name: istio-ca-crl
      optional: true
  {{- end }}
  {{- range $name, $volume := $userVolumes }}
  - name: {{ $name | quote }}
    {{ toYaml $volume | indent 4 | trim }}
  {{- end }}
  {{- with .Values.global.imagePullSecrets }}
  imagePullSecrets:
  {{- range . }}
  - name: {{ . | quote }}
  {{- end }}
  {{- end }}
