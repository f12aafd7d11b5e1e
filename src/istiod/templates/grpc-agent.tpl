{{/*
  ============================================================================
  cdk8s-istio injection template "grpc-agent"
  ============================================================================
  Proxyless gRPC with the Istio agent: selected by the pod annotation
  `inject.istio.io/templates: grpc-agent`. The pod gets an `istio-proxy`
  container that runs pilot-agent *without Envoy* (DISABLE_ENVOY): the agent
  fetches the workload certificate, writes it and a gRPC xDS bootstrap into
  a shared memory volume, and proxies xDS/SDS over a local socket. The
  application's gRPC library reads that bootstrap (GRPC_XDS_BOOTSTRAP) and
  talks mTLS itself. Nothing captures traffic: no init container, no
  iptables.

  Inputs (the same as "sidecar"): .ObjectMeta, .Spec.Containers,
  .DeploymentMeta (Name, Namespace), .TypeMeta, .Values, .ProxyConfig,
  .MeshConfig, .ProxyImage, .Revision; on 1.30 also .InboundTrafficPolicyMode.

  One text serves Istio 1.20 and 1.30; the differences are switched by data:
    - JWT_POLICY env and the projected token: .Values.global.jwtPolicy exists
      only in 1.20 values (the token is mounted only for "third-party-jwt"
      there, always on 1.30);
    - localhost inbound traffic (REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION):
      1.30 reads .InboundTrafficPolicyMode, a field only its template data has,
      behind templateFeatures.inboundTrafficPolicyMode; 1.20 reads istiod's
      environment variable PILOT_ENABLE_INBOUND_PASSTHROUGH;
    - the istiod CA bundle as a ClusterTrustBundle and global.trustBundleName
      are read with `dig`, so a release without those keys gets the
      istio-ca-root-cert ConfigMap;
    - resources: 1.30's istiod would drop null entries with omitNil, which
      1.20's lacks (a template naming it would not parse there); the values
      are filtered here instead.

  Intended difference from Istio's own grpc-agent: with
  status.sidecar.istio.io/port "0" this template drops only the readiness
  probe. Istio's drops the proxy's resources and volume mounts as well (its
  condition closes after them), which leaves the agent without its token and
  certificates.
*/}}
{{- /* ---------------------------------------------------------------------
       Shorthands
       --------------------------------------------------------------------- */}}
{{- $proxy := .Values.global.proxy }}
{{- $features := .Values.sidecarInjectorWebhook.templateFeatures }}
{{- $annotations := .ObjectMeta.Annotations }}
{{- $labels := .ObjectMeta.Labels }}
{{- $statusPort := annotation .ObjectMeta "status.sidecar.istio.io/port" $proxy.statusPort }}

{{- /* The application containers: everything but a proxy the pod may already list. */}}
{{- $appContainers := list }}
{{- range .Spec.Containers }}
  {{- if ne .Name "istio-proxy" }}{{ $appContainers = append $appContainers .Name }}{{ end }}
{{- end }}

{{- /* ISTIO_META_POD_PORTS: the ports of every container, one a line as istiod writes the
       list ("[", then "\n    <port>" with a leading comma from the second on, then "\n]"). */}}
{{- $podPortsText := "[" }}
{{- $firstPort := true }}
{{- range .Spec.Containers }}
  {{- range .Ports }}
    {{- $podPortsText = printf "%s\n    %s%s" $podPortsText (ternary "" "," $firstPort) (structToJSON .) }}
    {{- $firstPort = false }}
  {{- end }}
{{- end }}
{{- $podPortsText = printf "%s\n]" $podPortsText }}

{{- /* Image: a full reference (with "/") in the annotation or values wins over istiod's. */}}
{{- $image := .ProxyImage }}
{{- $wanted := annotation .ObjectMeta "sidecar.istio.io/proxyImage" $proxy.image }}
{{- if contains "/" $wanted }}{{ $image = $wanted }}{{ end }}

{{- $proxyLogLevel := annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel }}
{{- $componentLogLevel := annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel }}
{{- $agentLogLevel := annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" .Values.global.logging.level }}
{{- $stsPort := dig "sts" "servicePort" 0 .Values.global }}

{{- /* Resources: any of the four proxy annotations replaces the values' resources entirely;
       otherwise the values', without null entries. */}}
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
{{- else }}
  {{- range $kind, $amounts := $proxy.resources }}
    {{- if kindIs "map" $amounts }}
      {{- $kept := dict }}
      {{- range $name, $quantity := $amounts }}
        {{- if not (kindIs "invalid" $quantity) }}{{ $_ := set $kept $name $quantity }}{{ end }}
      {{- end }}
      {{- if $kept }}{{ $_ := set $resources $kind $kept }}{{ end }}
    {{- else if not (kindIs "invalid" $amounts) }}
      {{- $_ := set $resources $kind $amounts }}
    {{- end }}
  {{- end }}
{{- end }}

{{- /* Identity the agent reports. */}}
{{- $caAddress := .Values.global.caAddress }}
{{- if not $caAddress }}
  {{- $revisionSuffix := "" }}
  {{- if .Values.revision }}{{ $revisionSuffix = printf "-%s" .Values.revision }}{{ end }}
  {{- $caAddress = printf "istiod%s.%s.svc:15012" $revisionSuffix .Values.global.istioNamespace }}
{{- end }}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain (dig "trustDomain" "" .Values.global) }}
{{- $meshId := .Values.global.meshID | default $trustDomain }}
{{- $owner := "" }}
{{- if and .TypeMeta.APIVersion .DeploymentMeta.Name }}
  {{- $owner = printf "kubernetes://apis/%s/namespaces/%s/%ss/%s" .TypeMeta.APIVersion (.DeploymentMeta.Namespace | default "default") (toLower .TypeMeta.Kind) .DeploymentMeta.Name }}
{{- end }}

{{- /* Inbound traffic to localhost: kubelet probes must then reach the application on
       127.0.0.1, which the agent's probe rewrite is told. */}}
{{- $localhostInbound := false }}
{{- if $features.inboundTrafficPolicyMode }}
  {{- $localhostInbound = eq .InboundTrafficPolicyMode "localhost" }}
{{- else }}
  {{- $localhostInbound = eq (env "PILOT_ENABLE_INBOUND_PASSTHROUGH" "true") "false" }}
{{- end }}

{{- /* The workload token: always on 1.30; on 1.20 only with third-party JWTs. */}}
{{- $token := true }}
{{- if hasKey .Values.global "jwtPolicy" }}{{ $token = eq .Values.global.jwtPolicy "third-party-jwt" }}{{ end }}

{{- /* Certificates: GKE's workload certificates driver, else an emptyDir the agent fills. */}}
{{- $gkeCertificates := eq (dig "caName" "" .Values.global) "GkeWorkloadCertificate" }}
{{- $istiodCa := eq .Values.global.pilotCertProvider "istiod" }}
{{- $trustBundleName := dig "trustBundleName" "" .Values.global }}
{{- $clusterTrustBundle := eq (dig "pilot" "env" "ENABLE_CLUSTER_TRUST_BUNDLE_API" "" .Values | toString) "true" }}
{{- $mtlsCerts := dig "mountMtlsCerts" false .Values.global }}
{{- $bootstrapConfigMap := "" }}
{{- if isset $annotations "sidecar.istio.io/bootstrapOverride" }}
  {{- $bootstrapConfigMap = index $annotations "sidecar.istio.io/bootstrapOverride" }}
{{- end }}
{{- $userVolumes := dict }}
{{- if isset $annotations "sidecar.istio.io/userVolume" }}{{ $userVolumes = fromJSON (index $annotations "sidecar.istio.io/userVolume") }}{{ end }}
{{- $userMounts := dict }}
{{- if isset $annotations "sidecar.istio.io/userVolumeMount" }}{{ $userMounts = fromJSON (index $annotations "sidecar.istio.io/userVolumeMount") }}{{ end }}
{{- /* ===================================================================
       Output
       =================================================================== */}}
metadata:
  labels:
    {{- /* No security.istio.io/tlsMode: whether the application's gRPC really serves mTLS
           is the application's business, so the user sets it. */}}
    service.istio.io/canonical-name: {{ index $labels "service.istio.io/canonical-name" | default (index $labels "app.kubernetes.io/name") | default (index $labels "app") | default .DeploymentMeta.Name | quote }}
    service.istio.io/canonical-revision: {{ index $labels "service.istio.io/canonical-revision" | default (index $labels "app.kubernetes.io/version") | default (index $labels "version") | default "latest" | quote }}
  annotations:
    istio.io/rev: {{ .Revision | default "default" | quote }}
    {{- with $appContainers }}
    {{- if not (isset $annotations "kubectl.kubernetes.io/default-logs-container") }}
    kubectl.kubernetes.io/default-logs-container: {{ first . | quote }}
    {{- end }}
    {{- if not (isset $annotations "kubectl.kubernetes.io/default-container") }}
    kubectl.kubernetes.io/default-container: {{ first . | quote }}
    {{- end }}
    {{- end }}
    {{- /* The agent serves no probe rewrite here; kubelet probes the application directly. */}}
    sidecar.istio.io/rewriteAppHTTPProbers: "false"
spec:
  containers:
  - name: istio-proxy
    image: {{ $image | quote }}
    {{- with .Values.global.imagePullPolicy }}
    imagePullPolicy: {{ . | quote }}
    {{- end }}
    ports:
    - name: mesh-metrics
      containerPort: 15020
      protocol: TCP
    args:
    - proxy
    - sidecar
    - --domain
    - {{ printf "$(POD_NAMESPACE).svc.%s" $proxy.clusterDomain | quote }}
    - {{ printf "--proxyLogLevel=%s" $proxyLogLevel | quote }}
    - {{ printf "--proxyComponentLogLevel=%s" $componentLogLevel | quote }}
    - {{ printf "--log_output_level=%s" $agentLogLevel | quote }}
    {{- if $stsPort }}
    - {{ printf "--stsPort=%v" $stsPort | quote }}
    {{- end }}
    {{- if .Values.global.logAsJson }}
    - --log_as_json
    {{- end }}
    {{- /* Start the application only once the agent has written certificates and bootstrap. */}}
    lifecycle:
      postStart:
        exec:
          command:
          - pilot-agent
          - wait
          - --url=http://localhost:15020/healthz/ready
    env:
    - name: ISTIO_META_GENERATOR
      value: grpc
    - name: OUTPUT_CERTS
      value: /var/lib/istio/data
    {{- if $localhostInbound }}
    - name: REWRITE_PROBE_LEGACY_LOCALHOST_DESTINATION
      value: "true"
    {{- end }}
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
    - name: PROXY_CONFIG
      value: {{ printf "%s\n" (protoToJSON .ProxyConfig) | quote }}
    - name: ISTIO_META_POD_PORTS
      value: {{ $podPortsText | quote }}
    - name: ISTIO_META_APP_CONTAINERS
      value: {{ join "," $appContainers | quote }}
    - name: ISTIO_META_CLUSTER_ID
      value: {{ valueOrDefault .Values.global.multiCluster.clusterName "Kubernetes" | quote }}
    - name: ISTIO_META_NODE_NAME
      valueFrom:
        fieldRef:
          fieldPath: spec.nodeName
    {{- with .Values.global.network }}
    - name: ISTIO_META_NETWORK
      value: {{ . | quote }}
    {{- end }}
    {{- with .DeploymentMeta.Name }}
    - name: ISTIO_META_WORKLOAD_NAME
      value: {{ . | quote }}
    {{- end }}
    {{- with $owner }}
    - name: ISTIO_META_OWNER
      value: {{ . | quote }}
    {{- end }}
    {{- with $meshId }}
    - name: ISTIO_META_MESH_ID
      value: {{ . | quote }}
    {{- end }}
    {{- with $trustDomain }}
    - name: TRUST_DOMAIN
      value: {{ . | quote }}
    {{- end }}
    {{- range $name, $value := .ProxyConfig.ProxyMetadata }}
    - name: {{ $name | quote }}
      value: {{ $value | quote }}
    {{- end }}
    {{- /* gRPC resolves xds:/// names itself: no DNS capture, and no Envoy to start. */}}
    - name: ISTIO_META_DNS_CAPTURE
      value: "false"
    - name: DISABLE_ENVOY
      value: "true"
    {{- if ne $statusPort "0" }}
    readinessProbe:
      httpGet:
        path: /healthz/ready
        port: 15020
      initialDelaySeconds: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/initialDelaySeconds" $proxy.readinessInitialDelaySeconds }}
      periodSeconds: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/periodSeconds" $proxy.readinessPeriodSeconds }}
      timeoutSeconds: 3
      failureThreshold: {{ annotation .ObjectMeta "readiness.status.sidecar.istio.io/failureThreshold" $proxy.readinessFailureThreshold }}
    {{- end }}
    {{- if $resources }}
    resources:
      {{ toYaml $resources | indent 6 | trim }}
    {{- end }}
    volumeMounts:
    - name: workload-socket
      mountPath: /var/run/secrets/workload-spiffe-uds
    {{- if $gkeCertificates }}
    - name: gke-workload-certificate
      mountPath: /var/run/secrets/workload-spiffe-credentials
      readOnly: true
    {{- else }}
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
    {{- end }}
    {{- if $istiodCa }}
    - name: istiod-ca-cert
      mountPath: /var/run/secrets/istio
    {{- end }}
    - name: istio-data
      mountPath: /var/lib/istio/data
    {{- /* The socket and bootstrap the agent shares with the application. */}}
    - name: istio-xds
      mountPath: /etc/istio/proxy
    {{- if $token }}
    - name: istio-token
      mountPath: /var/run/secrets/tokens
    {{- end }}
    {{- if $mtlsCerts }}
    - name: istio-certs
      mountPath: /etc/certs/
      readOnly: true
    {{- end }}
    - name: istio-podinfo
      mountPath: /etc/istio/pod
    {{- range $name, $mount := $userMounts }}
    - name: {{ $name | quote }}
      {{ toYaml $mount | indent 6 | trim }}
    {{- end }}
  {{- /* The application containers read the agent's bootstrap and certificates. */}}
  {{- range $appContainers }}
  - name: {{ . | quote }}
    env:
    - name: GRPC_XDS_EXPERIMENTAL_SECURITY_SUPPORT
      value: "true"
    - name: GRPC_XDS_BOOTSTRAP
      value: /etc/istio/proxy/grpc-bootstrap.json
    volumeMounts:
    - name: istio-data
      mountPath: /var/lib/istio/data
    - name: istio-xds
      mountPath: /etc/istio/proxy
    {{- if $gkeCertificates }}
    - name: gke-workload-certificate
      mountPath: /var/run/secrets/workload-spiffe-credentials
      readOnly: true
    {{- else }}
    - name: workload-certs
      mountPath: /var/run/secrets/workload-spiffe-credentials
    {{- end }}
  {{- end }}
  volumes:
  {{- /* Volumes without a source, as istiod writes them: the API server defaults them to emptyDir. */}}
  - name: workload-socket
    emptyDir: null
  {{- if $gkeCertificates }}
  - name: gke-workload-certificate
    csi:
      driver: workloadcertificates.security.cloud.google.com
  {{- else }}
  - name: workload-certs
    emptyDir: null
  {{- end }}
  {{- if $bootstrapConfigMap }}
  - name: custom-bootstrap-volume
    configMap:
      name: {{ $bootstrapConfigMap | quote }}
  {{- end }}
  - name: istio-xds
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
  {{- if $token }}
  - name: istio-token
    projected:
      sources:
      - serviceAccountToken:
          audience: {{ .Values.global.sds.token.aud | quote }}
          expirationSeconds: 43200
          path: istio-token
  {{- end }}
  {{- if $istiodCa }}
  - name: istiod-ca-cert
    {{- if $clusterTrustBundle }}
    projected:
      sources:
      - clusterTrustBundle:
          name: {{ printf "istio.io:istiod-ca:%s" ($trustBundleName | default "root-cert") | quote }}
          path: root-cert.pem
    {{- else }}
    configMap:
      name: {{ $trustBundleName | default "istio-ca-root-cert" | quote }}
    {{- end }}
  {{- end }}
  {{- if $mtlsCerts }}
  - name: istio-certs
    secret:
      optional: true
      secretName: {{ printf "istio.%s" (.Spec.ServiceAccountName | default "default") | quote }}
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
