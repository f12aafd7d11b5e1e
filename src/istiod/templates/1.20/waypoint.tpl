{{/*
  ============================================================================
  cdk8s-istio template "waypoint" for Istio 1.20
  ============================================================================
  Not a pod overlay. With its ambient controllers on
  (PILOT_ENABLE_AMBIENT_CONTROLLERS; ambient is alpha at 1.20) istiod 1.20's
  Gateway API deployment controller runs this for every Gateway of class
  `istio-waypoint` and server-side applies the result: ServiceAccount,
  Deployment and Service.

  Inputs: the controller's TemplateInput at 1.20 (see
  templates/1.20/kube-gateway.tpl: the Gateway's own .Labels/.Annotations,
  no infrastructure or class fields). Functions: only those istiod 1.20 has.

  The 1.20 waypoint differs much from 1.30's (hence this file): it runs as
  root, privileged, with NET_ADMIN and NET_RAW (the waypoint still captured
  traffic itself then), has fixed resources (1.20's values have no
  global.waypoint), a two-second grace period, the
  ambient.istio.io/redirection annotation instead of the dataplane-mode
  label, and no TRUST_DOMAIN or proxy metadata env.
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
{{- $network := valueOrDefault (index .Labels "topology.istio.io/network") .Values.global.network }}
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
      {{- /* ztunnel must not redirect the waypoint's own traffic. */}}
      annotations: {{ toJsonMap $copiedAnnotations (strdict "istio.io/rev" (.Revision | default "default")) (strdict "ambient.istio.io/redirection" "disabled" "prometheus.io/path" "/stats/prometheus" "prometheus.io/port" "15020" "prometheus.io/scrape" "true") }}
      labels: {{ toJsonMap (strdict "sidecar.istio.io/inject" "false" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") .Labels (strdict "istio.io/gateway-name" .Name "gateway.istio.io/managed" "istio.io-mesh-controller") }}
    spec:
      terminationGracePeriodSeconds: 2
      serviceAccountName: {{ .ServiceAccount | quote }}
      containers:
      - name: istio-proxy
        image: {{ $image | quote }}
        {{- with .Values.global.imagePullPolicy }}
        imagePullPolicy: {{ . | quote }}
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
        - waypoint
        - --domain
        - {{ printf "$(POD_NAMESPACE).svc.%s" $proxy.clusterDomain | quote }}
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
        env:
        - name: ISTIO_META_SERVICE_ACCOUNT
          valueFrom:
            fieldRef:
              fieldPath: spec.serviceAccountName
        - name: ISTIO_META_NODE_NAME
          valueFrom:
            fieldRef:
              fieldPath: spec.nodeName
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
        - name: ISTIO_CPU_LIMIT
          valueFrom:
            resourceFieldRef:
              resource: limits.cpu
        - name: PROXY_CONFIG
          value: {{ printf "%s\n" (protoToJSON .ProxyConfig) | quote }}
        - name: GOMEMLIMIT
          valueFrom:
            resourceFieldRef:
              resource: limits.memory
        - name: GOMAXPROCS
          valueFrom:
            resourceFieldRef:
              resource: limits.cpu
        - name: ISTIO_META_CLUSTER_ID
          value: {{ valueOrDefault .Values.global.multiCluster.clusterName "Kubernetes" | quote }}
        {{- with $network }}
        - name: ISTIO_META_NETWORK
          value: {{ . | quote }}
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
        {{- /* Fixed at this release (Istio 1.20's values have no global.waypoint). */}}
        resources:
          limits:
            cpu: "2"
            memory: 1Gi
          requests:
            cpu: 100m
            memory: 128Mi
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
        {{- /* The 1.20 waypoint redirects traffic itself: root, privileged, network admin. */}}
        securityContext:
          privileged: true
          runAsUser: 0
          runAsGroup: 1337
          capabilities:
            add:
            - NET_ADMIN
            - NET_RAW
        volumeMounts:
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
      - name: istio-envoy
        emptyDir:
          medium: Memory
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
      {{- /* Always a projected token here (Istio's 1.20 waypoint ignores jwtPolicy); the audience
             follows the values as in every other template. */}}
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
