{{/*
  ============================================================================
  cdk8s-istio template "kube-gateway" (Istio 1.30 and later lines)
  ============================================================================
  Not a pod overlay. istiod's Gateway API deployment controller runs this for
  every Gateway API `Gateway` of class `istio` and server-side applies what it
  renders: the gateway's ServiceAccount, Deployment and Service, plus an HPA
  and a PodDisruptionBudget that are kept only when the class defaults
  ConfigMap or the Gateway's parametersRef gives them an overlay. The
  controller refuses any other kind, namespace or name.

  Inputs (the controller's TemplateInput at 1.30, not the sidecar data):
    .Name .Namespace .UID .Annotations .Spec   the Gateway itself (embedded)
    .GatewayClass                              its class name
    .DeploymentName .ServiceAccount            object names (annotations
                                               gateway.istio.io/name-override and
                                               service-account can change them)
    .Ports                                     Service ports: status-port
                                               15021, then one per listener port
    .ServiceType                               LoadBalancer unless annotated
    .ClusterID .KubeVersion .Revision
    .ProxyUID .ProxyGID                        1337 unless the namespace says
                                               otherwise (OpenShift ranges)
    .InfrastructureLabels/Annotations          spec.infrastructure, else the
                                               Gateway's own labels/annotations
    .GatewayNameLabel                          gateway.networking.k8s.io/gateway-name
    .ProxyImage .ProxyConfig .MeshConfig .Values   from the injector config
  `annotation .ObjectMeta ...` reads the Gateway's annotations.

  1.20's controller hands templates another struct (the Gateway's own
  labels, KubeVersion122, no infrastructure fields), so that line has its own
  file: templates/1.20/kube-gateway.tpl.

  Values read beyond the sidecar's: gateways.securityContext and
  gateways.seccompProfile (pod security), and, when present, global.sts,
  global.caName, global.trustBundleName, global.trustDomain,
  global.proxy.lifecycle and pilot.env.ENABLE_CLUSTER_TRUST_BUNDLE_API (all
  read with `dig`: a missing key means Istio's chart default).
*/}}
{{- /* ---------------------------------------------------------------------
       Shorthands
       --------------------------------------------------------------------- */}}
{{- $proxy := .Values.global.proxy }}
{{- /* Annotations copied onto every object: the Gateway's (or its infrastructure's),
       minus those that steer the controller itself. */}}
{{- $copiedAnnotations := omit .InfrastructureAnnotations "kubectl.kubernetes.io/last-applied-configuration" "gateway.istio.io/name-override" "gateway.istio.io/service-account" "gateway.istio.io/controller-version" }}
{{- $gatewayLabels := strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass }}
{{- /* The controller stamps gateway.istio.io/managed on every object it applies; written
       here too so the pod template carries it. */}}
{{- $managedLabels := strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass "gateway.istio.io/managed" "istio.io-gateway-controller" }}

{{- /* Image: a full reference (with "/") in the Gateway's annotation or the values wins. */}}
{{- $image := .ProxyImage }}
{{- $wanted := annotation .ObjectMeta "sidecar.istio.io/proxyImage" $proxy.image }}
{{- if contains "/" $wanted }}{{ $image = $wanted }}{{ end }}

{{- /* Resources: the values', without null entries (istiod's chart lets users null a default out). */}}
{{- $resources := dict }}
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

{{- /* Pod security: the values' gateways.securityContext replaces the default, which lets an
       unprivileged proxy bind ports below 1024. */}}
{{- $podSecurity := dig "gateways" "securityContext" (dict) .Values }}
{{- $seccompProfile := dig "gateways" "seccompProfile" (dict) .Values }}

{{- $caAddress := .Values.global.caAddress }}
{{- if not $caAddress }}
  {{- $revisionSuffix := "" }}
  {{- if .Values.revision }}{{ $revisionSuffix = printf "-%s" .Values.revision }}{{ end }}
  {{- $caAddress = printf "istiod%s.%s.svc:15012" $revisionSuffix .Values.global.istioNamespace }}
{{- end }}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain (dig "trustDomain" "" .Values.global) }}
{{- $meshId := .Values.global.meshID | default $trustDomain }}
{{- /* The network: the Gateway's topology.istio.io/network label, else the mesh's. */}}
{{- $requestedNetwork := index .InfrastructureLabels "topology.istio.io/network" }}
{{- $network := valueOrDefault $requestedNetwork .Values.global.network }}
{{- $stsPort := dig "sts" "servicePort" 0 .Values.global }}
{{- $lifecycle := dig "lifecycle" (dict) $proxy }}

{{- $gkeCertificates := eq (dig "caName" "" .Values.global) "GkeWorkloadCertificate" }}
{{- $istiodCa := eq .Values.global.pilotCertProvider "istiod" }}
{{- $trustBundleName := dig "trustBundleName" "" .Values.global }}
{{- $clusterTrustBundle := eq (dig "pilot" "env" "ENABLE_CLUSTER_TRUST_BUNDLE_API" "" .Values | toString) "true" }}
{{- /* ===================================================================
       ServiceAccount
       =================================================================== */}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .ServiceAccount | quote }}
  namespace: {{ .Namespace | quote }}
  annotations: {{ toJsonMap $copiedAnnotations }}
  labels: {{ toJsonMap .InfrastructureLabels $gatewayLabels }}
  {{- /* Owned by the Gateway only from Kubernetes 1.28 on: earlier, garbage collection could
         delete a ServiceAccount that a recreated Gateway still needed. */}}
  {{- if ge .KubeVersion 128 }}
  ownerReferences:
  - apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    name: {{ .Name | quote }}
    uid: {{ .UID | quote }}
  {{- end }}
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
  labels: {{ toJsonMap .InfrastructureLabels $managedLabels }}
  ownerReferences:
  - apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    name: {{ .Name | quote }}
    uid: {{ .UID | quote }}
spec:
  selector:
    matchLabels:
      {{ .GatewayNameLabel | quote }}: {{ .Name | quote }}
  template:
    metadata:
      {{- /* Later maps win: the revision and Prometheus scraping cannot be overridden. */}}
      annotations: {{ toJsonMap $copiedAnnotations (strdict "istio.io/rev" (.Revision | default "default")) (strdict "prometheus.io/path" "/stats/prometheus" "prometheus.io/port" "15020" "prometheus.io/scrape" "true") }}
      {{- /* Never injected (it is a proxy already); the Gateway's labels may rename the
             canonical service, never the gateway identity labels. */}}
      labels: {{ toJsonMap (strdict "sidecar.istio.io/inject" "false" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") .InfrastructureLabels $managedLabels }}
    spec:
      securityContext:
      {{- if $podSecurity }}
        {{- toYaml $podSecurity | trim | nindent 8 }}
      {{- else }}
        sysctls:
        - name: net.ipv4.ip_unprivileged_port_start
          value: "0"
        {{- if $seccompProfile }}
        seccompProfile:
          {{- toYaml $seccompProfile | trim | nindent 10 }}
        {{- end }}
      {{- end }}
      serviceAccountName: {{ .ServiceAccount | quote }}
      containers:
      - name: istio-proxy
        image: {{ $image | quote }}
        {{- with .Values.global.imagePullPolicy }}
        imagePullPolicy: {{ . | quote }}
        {{- end }}
        {{- if $proxy.resources }}
        resources:
          {{- if $resources }}
          {{- toYaml $resources | trim | nindent 10 }}
          {{- end }}
        {{- end }}
        {{- /* Restricted-compatible: no root, no capabilities (the pod sysctl opens low ports). */}}
        securityContext:
          allowPrivilegeEscalation: false
          privileged: false
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          runAsUser: {{ .ProxyUID | default 1337 }}
          runAsGroup: {{ .ProxyGID | default 1337 }}
          capabilities:
            drop:
            - ALL
        ports:
        - name: metrics
          containerPort: 15020
          protocol: TCP
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
        {{- if $lifecycle }}
        lifecycle:
          {{- toYaml $lifecycle | trim | nindent 10 }}
        {{- end }}
        env:
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
              divisor: "1"
        - name: PROXY_CONFIG
          value: {{ printf "%s\n" (protoToJSON .ProxyConfig) | quote }}
        {{- /* A gateway has no application containers or ports of its own. */}}
        - name: ISTIO_META_POD_PORTS
          value: "[]"
        - name: ISTIO_META_APP_CONTAINERS
          value: ""
        - name: GOMEMLIMIT
          valueFrom:
            resourceFieldRef:
              resource: limits.memory
              divisor: "1"
        - name: GOMAXPROCS
          valueFrom:
            resourceFieldRef:
              resource: limits.cpu
              divisor: "1"
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
        {{- /* A Gateway labelled with a network asks istiod for that network's view only. */}}
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
        {{- /* The SDS socket between the agent and Envoy. */}}
        - name: istio-envoy
          mountPath: /etc/istio/proxy
        - name: istio-token
          mountPath: /var/run/secrets/tokens
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
      - name: istio-token
        projected:
          sources:
          - serviceAccountToken:
              audience: {{ .Values.global.sds.token.aud | quote }}
              expirationSeconds: 43200
              path: istio-token
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
  labels: {{ toJsonMap .InfrastructureLabels $gatewayLabels }}
  ownerReferences:
  - apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    name: {{ .Name | quote }}
    uid: {{ .UID | quote }}
spec:
  type: {{ .ServiceType | quote }}
  ipFamilyPolicy: PreferDualStack
  {{- /* The first address of the Gateway becomes the load balancer's IP. */}}
  {{- if and .Spec.Addresses (eq .ServiceType "LoadBalancer") }}
  loadBalancerIP: {{ (index .Spec.Addresses 0).Value | quote }}
  {{- end }}
  selector:
    {{ .GatewayNameLabel | quote }}: {{ .Name | quote }}
  ports:
  {{- range .Ports }}
  - name: {{ .Name | quote }}
    port: {{ .Port }}
    protocol: TCP
    {{- with .AppProtocol }}
    appProtocol: {{ . }}
    {{- end }}
  {{- end }}
---
{{- /* ===================================================================
       HorizontalPodAutoscaler and PodDisruptionBudget: dropped by the
       controller unless an overlay (class defaults or parametersRef
       ConfigMap) fills them in.
       =================================================================== */}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ .DeploymentName | quote }}
  namespace: {{ .Namespace | quote }}
  annotations: {{ toJsonMap $copiedAnnotations }}
  labels: {{ toJsonMap .InfrastructureLabels $gatewayLabels }}
  ownerReferences:
  - apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    name: {{ .Name | quote }}
    uid: {{ .UID | quote }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ .DeploymentName | quote }}
  maxReplicas: 1
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .DeploymentName | quote }}
  namespace: {{ .Namespace | quote }}
  annotations: {{ toJsonMap $copiedAnnotations }}
  labels: {{ toJsonMap .InfrastructureLabels $gatewayLabels }}
  ownerReferences:
  - apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    name: {{ .Name | quote }}
    uid: {{ .UID | quote }}
spec:
  selector:
    matchLabels:
      gateway.networking.k8s.io/gateway-name: {{ .Name | quote }}
