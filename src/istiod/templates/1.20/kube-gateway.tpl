{{/*
  ============================================================================
  cdk8s-istio template "kube-gateway" for Istio 1.20
  ============================================================================
  Not a pod overlay. istiod 1.20's Gateway API deployment controller runs this
  for every Gateway API `Gateway` of class `istio` and server-side applies the
  result: the gateway's ServiceAccount, Deployment and Service (no HPA or PDB
  at this release, and no overlays).

  Inputs: the controller's TemplateInput *at 1.20*, which differs from 1.30's
  (hence this file of its own, picked for the 1.20 line):
    .Name .Namespace .UID .Labels .Annotations .Spec   the Gateway (embedded)
    .DeploymentName .ServiceAccount .Ports .ServiceType .ClusterID .Revision
    .KubeVersion122    true on Kubernetes 1.22+ (pod sysctls are safe there)
    .ProxyUID .ProxyGID
    .ProxyImage .ProxyConfig .MeshConfig .Values   from the injector config
  It has no InfrastructureLabels/Annotations, GatewayClass, GatewayNameLabel
  or KubeVersion: the objects carry the Gateway's own labels and annotations,
  and select pods by istio.io/gateway-name. Functions: only those istiod 1.20
  has (no omitNil or mergeMaps; toJsonMap merges its maps itself).

  Values read beyond the sidecar's, when present (with `dig`): global.sts,
  global.caName, global.trustDomain, global.proxy.lifecycle.
*/}}
{{- /* ---------------------------------------------------------------------
       Shorthands
       --------------------------------------------------------------------- */}}
{{- $proxy := .Values.global.proxy }}
{{- $copiedAnnotations := omit .Annotations "kubectl.kubernetes.io/last-applied-configuration" "gateway.istio.io/name-override" "gateway.istio.io/service-account" "gateway.istio.io/controller-version" }}

{{- $image := .ProxyImage }}
{{- $wanted := annotation .ObjectMeta "sidecar.istio.io/proxyImage" $proxy.image }}
{{- if contains "/" $wanted }}{{ $image = $wanted }}{{ end }}

{{- $caAddress := .Values.global.caAddress }}
{{- if not $caAddress }}
  {{- $revisionSuffix := "" }}
  {{- if .Values.revision }}{{ $revisionSuffix = printf "-%s" .Values.revision }}{{ end }}
  {{- $caAddress = printf "istiod%s.%s.svc:15012" $revisionSuffix .Values.global.istioNamespace }}
{{- end }}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain (dig "trustDomain" "" .Values.global) }}
{{- $meshId := .Values.global.meshID | default $trustDomain }}
{{- $requestedNetwork := index .Labels "topology.istio.io/network" }}
{{- $network := valueOrDefault $requestedNetwork .Values.global.network }}
{{- $stsPort := dig "sts" "servicePort" 0 .Values.global }}
{{- $lifecycle := dig "lifecycle" (dict) $proxy }}
{{- $gkeCertificates := eq (dig "caName" "" .Values.global) "GkeWorkloadCertificate" }}
{{- $istiodCa := eq .Values.global.pilotCertProvider "istiod" }}
{{- /* The projected token exists only with third-party JWTs (1.20 still knows first-party). */}}
{{- $token := eq .Values.global.jwtPolicy "third-party-jwt" }}
{{- /* ===================================================================
       ServiceAccount
       =================================================================== */}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .ServiceAccount | quote }}
  namespace: {{ .Namespace | quote }}
---
{{- /* ===================================================================
       Deployment
       =================================================================== */}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .DeploymentName | quote }}
  namespace: {{ .Namespace | quote }}
  annotations: {{ toJsonMap $copiedAnnotations }}
  labels: {{ toJsonMap .Labels }}
  ownerReferences:
  - apiVersion: gateway.networking.k8s.io/v1beta1
    kind: Gateway
    name: {{ .Name | quote }}
    uid: {{ .UID | quote }}
spec:
  selector:
    matchLabels:
      istio.io/gateway-name: {{ .Name | quote }}
  template:
    metadata:
      annotations: {{ toJsonMap $copiedAnnotations (strdict "istio.io/rev" (.Revision | default "default")) (strdict "prometheus.io/path" "/stats/prometheus" "prometheus.io/port" "15020" "prometheus.io/scrape" "true") }}
      labels: {{ toJsonMap (strdict "sidecar.istio.io/inject" "false" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") .Labels (strdict "istio.io/gateway-name" .Name) }}
    spec:
      {{- /* Unprivileged low ports need the sysctl, safe from Kubernetes 1.22 on; older
             clusters run the proxy as root with NET_BIND_SERVICE instead (below). */}}
      {{- if .KubeVersion122 }}
      securityContext:
        sysctls:
        - name: net.ipv4.ip_unprivileged_port_start
          value: "0"
      {{- end }}
      serviceAccountName: {{ .ServiceAccount | quote }}
      containers:
      - name: istio-proxy
        image: {{ $image | quote }}
        {{- with .Values.global.imagePullPolicy }}
        imagePullPolicy: {{ . | quote }}
        {{- end }}
        {{- with $proxy.resources }}
        resources:
          {{- toYaml . | trim | nindent 10 }}
        {{- end }}
        securityContext:
        {{- if .KubeVersion122 }}
          allowPrivilegeEscalation: false
          privileged: false
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          runAsUser: {{ .ProxyUID | default 1337 }}
          runAsGroup: {{ .ProxyGID | default 1337 }}
          capabilities:
            drop:
            - ALL
        {{- else }}
          allowPrivilegeEscalation: true
          readOnlyRootFilesystem: true
          runAsNonRoot: false
          runAsUser: 0
          runAsGroup: 1337
          capabilities:
            add:
            - NET_BIND_SERVICE
            drop:
            - ALL
        {{- end }}
        ports:
        - name: status-port
          containerPort: 15021
          protocol: TCP
        - name: http-envoy-prom
          containerPort: 15090
          protocol: TCP
        args:
        - proxy
        - router
        - --domain
        - {{ printf "$(POD_NAMESPACE).svc.%s" $proxy.clusterDomain | quote }}
        - --proxyLogLevel
        - {{ annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel | quote }}
        - --proxyComponentLogLevel
        - {{ annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel | quote }}
        - --log_output_level
        - {{ annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" .Values.global.logging.level | quote }}
        {{- if $stsPort }}
        - {{ printf "--stsPort=%v" $stsPort | quote }}
        {{- end }}
        {{- if .Values.global.logAsJson }}
        - --log_as_json
        {{- end }}
        {{- /* Istio 1.20's own template mis-indents a multi-line lifecycle; written as YAML here. */}}
        {{- if $lifecycle }}
        lifecycle:
          {{- toYaml $lifecycle | trim | nindent 10 }}
        {{- end }}
        env:
        - name: JWT_POLICY
          value: {{ .Values.global.jwtPolicy | quote }}
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
        {{- /* 1.20 writes no divisor here (the API server defaults it). */}}
        - name: ISTIO_CPU_LIMIT
          valueFrom:
            resourceFieldRef:
              resource: limits.cpu
        - name: PROXY_CONFIG
          value: {{ printf "%s\n" (protoToJSON .ProxyConfig) | quote }}
        - name: ISTIO_META_POD_PORTS
          value: "[]"
        - name: ISTIO_META_APP_CONTAINERS
          value: ""
        - name: GOMEMLIMIT
          valueFrom:
            resourceFieldRef:
              resource: limits.memory
        - name: GOMAXPROCS
          valueFrom:
            resourceFieldRef:
              resource: limits.cpu
        - name: ISTIO_META_CLUSTER_ID
          value: {{ valueOrDefault .Values.global.multiCluster.clusterName .ClusterID | quote }}
        - name: ISTIO_META_NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
        - name: ISTIO_META_INTERCEPTION_MODE
          value: {{ .ProxyConfig.InterceptionMode.String | quote }}
        {{- with $network }}
        - name: ISTIO_META_NETWORK
          value: {{ . | quote }}
        {{- end }}
        - name: ISTIO_META_WORKLOAD_NAME
          value: {{ .DeploymentName | quote }}
        - name: ISTIO_META_OWNER
          value: {{ printf "kubernetes://apis/apps/v1/namespaces/%s/deployments/%s" .Namespace .DeploymentName | quote }}
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
        {{- with $requestedNetwork }}
        - name: ISTIO_META_REQUESTED_NETWORK_VIEW
          value: {{ . | quote }}
        {{- end }}
        startupProbe:
          httpGet:
            path: /healthz/ready
            port: 15021
            scheme: HTTP
          initialDelaySeconds: 1
          periodSeconds: 1
          timeoutSeconds: 1
          successThreshold: 1
          failureThreshold: 30
        readinessProbe:
          httpGet:
            path: /healthz/ready
            port: 15021
            scheme: HTTP
          initialDelaySeconds: 0
          periodSeconds: 15
          timeoutSeconds: 1
          successThreshold: 1
          failureThreshold: 4
        volumeMounts:
        - name: workload-socket
          mountPath: /var/run/secrets/workload-spiffe-uds
        - name: credential-socket
          mountPath: /var/run/secrets/credential-uds
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
        - name: istio-envoy
          mountPath: /etc/istio/proxy
        {{- if $token }}
        - name: istio-token
          mountPath: /var/run/secrets/tokens
        {{- end }}
        - name: istio-podinfo
          mountPath: /etc/istio/pod
      volumes:
      - name: workload-socket
        emptyDir: {}
      - name: credential-socket
        emptyDir: {}
      {{- if $gkeCertificates }}
      - name: gke-workload-certificate
        csi:
          driver: workloadcertificates.security.cloud.google.com
      {{- else }}
      - name: workload-certs
        emptyDir: {}
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
        configMap:
          name: istio-ca-root-cert
      {{- end }}
      {{- with .Values.global.imagePullSecrets }}
      imagePullSecrets:
      {{- range . }}
      - name: {{ . | quote }}
      {{- end }}
      {{- end }}
---
{{- /* ===================================================================
       Service
       =================================================================== */}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .DeploymentName | quote }}
  namespace: {{ .Namespace | quote }}
  annotations: {{ toJsonMap $copiedAnnotations }}
  labels: {{ toJsonMap .Labels }}
  ownerReferences:
  - apiVersion: gateway.networking.k8s.io/v1beta1
    kind: Gateway
    name: {{ .Name | quote }}
    uid: {{ .UID | quote }}
spec:
  type: {{ .ServiceType | quote }}
  {{- if and .Spec.Addresses (eq .ServiceType "LoadBalancer") }}
  loadBalancerIP: {{ (index .Spec.Addresses 0).Value | quote }}
  {{- end }}
  selector:
    istio.io/gateway-name: {{ .Name | quote }}
  ports:
  {{- range .Ports }}
  - name: {{ .Name | quote }}
    port: {{ .Port }}
    protocol: TCP
    {{- with .AppProtocol }}
    appProtocol: {{ . }}
    {{- end }}
  {{- end }}
