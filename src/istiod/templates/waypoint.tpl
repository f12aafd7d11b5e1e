{{/*
  ============================================================================
  cdk8s-istio template "waypoint" (Istio 1.30 and later lines)
  ============================================================================
  Not a pod overlay. istiod's Gateway API deployment controller runs this for
  every Gateway of class `istio-waypoint` (ambient mode: PILOT_ENABLE_AMBIENT)
  and, with ambient multi-network on, of class `istio-east-west`, and
  server-side applies the result: ServiceAccount, Deployment, Service, and an
  HPA / PodDisruptionBudget kept only when an overlay (class defaults or the
  Gateway's parametersRef ConfigMap) fills them in.

  A waypoint is an Envoy in `proxy waypoint` mode that ztunnel sends a
  namespace's (or service's) traffic to over HBONE; it is not itself in the
  ambient data plane (label istio.io/dataplane-mode: none).

  Inputs: the controller's TemplateInput at 1.30 (see kube-gateway.tpl), plus
  .ControllerLabel (istio.io-mesh-controller for waypoints,
  istio.io-eastwest-controller for east-west gateways). Values read:
  global.waypoint.{resources, affinity, nodeSelector, tolerations,
  topologySpreadConstraints}, gateways.seccompProfile, and, when present,
  global.platform, global.proxy.outlierLogPath, global.trustBundleName,
  global.trustDomain, pilot.env.ENABLE_CLUSTER_TRUST_BUNDLE_API (all read
  with `dig`: a missing key means Istio's chart default, "none").

  1.20's controller hands templates another struct, and its waypoint is a
  privileged pod; that line has its own file: templates/1.20/waypoint.tpl.

  Intended difference from Istio's waypoint: the projected token's audience
  is the values' global.sds.token.aud, as in every other template here;
  Istio's waypoint writes "istio-ca" (the same unless the audience changes).
*/}}
{{- /* ---------------------------------------------------------------------
       Shorthands
       --------------------------------------------------------------------- */}}
{{- $proxy := .Values.global.proxy }}
{{- $waypoint := dig "waypoint" (dict) .Values.global }}
{{- $copiedAnnotations := omit .InfrastructureAnnotations "kubectl.kubernetes.io/last-applied-configuration" "gateway.istio.io/name-override" "gateway.istio.io/service-account" "gateway.istio.io/controller-version" }}
{{- $gatewayLabels := strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass }}
{{- $managedLabels := strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass "gateway.istio.io/managed" .ControllerLabel }}

{{- $image := .ProxyImage }}
{{- $wanted := annotation .ObjectMeta "sidecar.istio.io/proxyImage" $proxy.image }}
{{- if contains "/" $wanted }}{{ $image = $wanted }}{{ end }}

{{- /* Resources: global.waypoint.resources (not the sidecar's), without null entries. */}}
{{- $waypointResources := dig "resources" (dict) $waypoint }}
{{- $resources := dict }}
{{- range $kind, $amounts := $waypointResources }}
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

{{- $caAddress := .Values.global.caAddress }}
{{- if not $caAddress }}
  {{- $revisionSuffix := "" }}
  {{- if .Values.revision }}{{ $revisionSuffix = printf "-%s" .Values.revision }}{{ end }}
  {{- $caAddress = printf "istiod%s.%s.svc:15012" $revisionSuffix .Values.global.istioNamespace }}
{{- end }}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain (dig "trustDomain" "" .Values.global) }}
{{- $meshId := .Values.global.meshID | default $trustDomain }}
{{- $network := valueOrDefault (index .InfrastructureLabels "topology.istio.io/network") .Values.global.network }}
{{- /* An east-west gateway serves its own network only. */}}
{{- $eastWest := eq .ControllerLabel "istio.io-eastwest-controller" }}
{{- $outlierLogPath := dig "outlierLogPath" "" $proxy }}
{{- /* OpenShift assigns the user from the namespace's range; elsewhere the proxy's 1337. */}}
{{- $openshift := eq (dig "platform" "" .Values.global) "openshift" }}
{{- $seccompProfile := dig "gateways" "seccompProfile" (dict) .Values }}
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
  {{- /* Owned by the Gateway only from Kubernetes 1.28 on (safe garbage collection). */}}
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
      annotations: {{ toJsonMap $copiedAnnotations (strdict "istio.io/rev" (.Revision | default "default")) (strdict "prometheus.io/path" "/stats/prometheus" "prometheus.io/port" "15020" "prometheus.io/scrape" "true") }}
      {{- /* Neither injected nor captured by ztunnel: the waypoint is the mesh's own proxy. */}}
      labels: {{ toJsonMap (strdict "sidecar.istio.io/inject" "false" "istio.io/dataplane-mode" "none" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") .InfrastructureLabels $managedLabels }}
    spec:
      {{- /* Scheduling from global.waypoint, each only when set. */}}
      {{- with dig "affinity" (dict) $waypoint }}
      affinity:
        {{- toYaml . | trim | nindent 8 }}
      {{- end }}
      {{- with dig "topologySpreadConstraints" (list) $waypoint }}
      topologySpreadConstraints:
        {{- toYaml . | trim | nindent 8 }}
      {{- end }}
      {{- with dig "nodeSelector" (dict) $waypoint }}
      nodeSelector:
        {{- toYaml . | trim | nindent 8 }}
      {{- end }}
      {{- with dig "tolerations" (list) $waypoint }}
      tolerations:
        {{- toYaml . | trim | nindent 8 }}
      {{- end }}
      serviceAccountName: {{ .ServiceAccount | quote }}
      containers:
      - name: istio-proxy
        image: {{ $image | quote }}
        {{- with .Values.global.imagePullPolicy }}
        imagePullPolicy: {{ . | quote }}
        {{- end }}
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
        - waypoint
        - --domain
        - {{ printf "$(POD_NAMESPACE).svc.%s" $proxy.clusterDomain | quote }}
        {{- /* Envoy's cluster name: the waypoint's service account in its namespace. */}}
        - --serviceCluster
        - {{ printf "%s.$(POD_NAMESPACE)" .ServiceAccount | quote }}
        - --proxyLogLevel
        - {{ annotation .ObjectMeta "sidecar.istio.io/logLevel" $proxy.logLevel | quote }}
        - --proxyComponentLogLevel
        - {{ annotation .ObjectMeta "sidecar.istio.io/componentLogLevel" $proxy.componentLogLevel | quote }}
        - --log_output_level
        - {{ annotation .ObjectMeta "sidecar.istio.io/agentLogLevel" .Values.global.logging.level | quote }}
        {{- if .Values.global.logAsJson }}
        - --log_as_json
        {{- end }}
        {{- with $outlierLogPath }}
        - {{ printf "--outlierLogPath=%s" . | quote }}
        {{- end }}
        env:
        - name: ISTIO_META_SERVICE_ACCOUNT
          valueFrom:
            fieldRef:
              fieldPath: spec.serviceAccountName
        - name: ISTIO_META_NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
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
        {{- range $name, $value := .ProxyConfig.ProxyMetadata }}
        - name: {{ $name | quote }}
          value: {{ $value | quote }}
        {{- end }}
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
          value: {{ valueOrDefault .Values.global.multiCluster.clusterName "Kubernetes" | quote }}
        {{- with $network }}
        - name: ISTIO_META_NETWORK
          value: {{ . | quote }}
        {{- if $eastWest }}
        - name: ISTIO_META_REQUESTED_NETWORK_VIEW
          value: {{ . | quote }}
        {{- end }}
        {{- end }}
        - name: ISTIO_META_INTERCEPTION_MODE
          value: REDIRECT
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
        {{- if $waypointResources }}
        resources:
          {{- if $resources }}
          {{- toYaml $resources | trim | nindent 10 }}
          {{- end }}
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
        securityContext:
          allowPrivilegeEscalation: false
          privileged: false
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          {{- if not $openshift }}
          runAsUser: 1337
          runAsGroup: 1337
          {{- end }}
          capabilities:
            drop:
            - ALL
          {{- if $seccompProfile }}
          seccompProfile:
            {{- toYaml $seccompProfile | trim | nindent 12 }}
          {{- end }}
        volumeMounts:
        - name: workload-socket
          mountPath: /var/run/secrets/workload-spiffe-uds
        - name: istiod-ca-cert
          mountPath: /var/run/secrets/istio
        - name: istio-data
          mountPath: /var/lib/istio/data
        - name: istio-envoy
          mountPath: /etc/istio/proxy
        - name: istio-token
          mountPath: /var/run/secrets/tokens
        - name: istio-podinfo
          mountPath: /etc/istio/pod
      volumes:
      - name: workload-socket
        emptyDir: {}
      - name: istio-envoy
        emptyDir:
          medium: Memory
      {{- /* Scratch space for the proxy's other mode, kept so the pod spec matches Istio's. */}}
      - name: go-proxy-envoy
        emptyDir:
          medium: Memory
      - name: istio-data
        emptyDir: {}
      - name: go-proxy-data
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
  {{- /* Prefer the waypoint in the caller's zone; the Gateway's annotations may say otherwise. */}}
  annotations: {{ toJsonMap (strdict "networking.istio.io/traffic-distribution" "PreferClose") $copiedAnnotations }}
  labels: {{ toJsonMap .InfrastructureLabels $gatewayLabels }}
  ownerReferences:
  - apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    name: {{ .Name | quote }}
    uid: {{ .UID | quote }}
spec:
  type: {{ .ServiceType | quote }}
  ipFamilyPolicy: PreferDualStack
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
       HorizontalPodAutoscaler and PodDisruptionBudget (kept only with an
       overlay, see above)
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
