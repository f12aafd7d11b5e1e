{{/*
  ============================================================================
  cdk8s-istio template "agentgateway" (Istio 1.30; 1.20 has no such template)
  ============================================================================
  Not a pod overlay. With PILOT_ENABLE_AGENTGATEWAY=true (experimental, off by
  default) istiod's Gateway API deployment controller runs this for every
  Gateway of class `istio-agentgateway` and server-side applies the result:
  ServiceAccount, Deployment, Service, and an HPA / PodDisruptionBudget kept
  only when an overlay (class defaults or parametersRef ConfigMap) fills them.

  The data plane is agentgateway (a Rust proxy that speaks xDS to istiod
  itself), not Envoy + pilot-agent: no PROXY_CONFIG, no SDS socket; it reads
  its istiod CA bundle and two projected tokens (one for xDS, one for the CA).

  Inputs: the controller's TemplateInput at 1.30 (see kube-gateway.tpl) plus
  .AgentgatewayImage, which istiod resolves from global.hub/tag/variant like
  the proxy image. Values read when present (with `dig`):
  global.agentgateway.image (a full reference with "/" replaces istiod's),
  gateways.securityContext / seccompProfile, global.trustBundleName,
  global.trustDomain, global.proxy.lifecycle,
  pilot.env.ENABLE_CLUSTER_TRUST_BUNDLE_API.
*/}}
{{- /* ---------------------------------------------------------------------
       Shorthands
       --------------------------------------------------------------------- */}}
{{- $proxy := .Values.global.proxy }}
{{- $copiedAnnotations := omit .InfrastructureAnnotations "kubectl.kubernetes.io/last-applied-configuration" "gateway.istio.io/name-override" "gateway.istio.io/service-account" "gateway.istio.io/controller-version" }}
{{- $gatewayLabels := strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass }}
{{- $managedLabels := strdict "gateway.networking.k8s.io/gateway-name" .Name "gateway.networking.k8s.io/gateway-class-name" .GatewayClass "gateway.istio.io/managed" "istio.io-agentgateway-controller" }}

{{- /* Image: the Gateway's gateway.istio.io/agentgatewayImage annotation or the values'
       global.agentgateway.image when it is a full reference, else istiod's. */}}
{{- $image := .AgentgatewayImage }}
{{- $wanted := annotation .ObjectMeta "gateway.istio.io/agentgatewayImage" (dig "agentgateway" "image" "" .Values.global) }}
{{- if contains "/" $wanted }}{{ $image = $wanted }}{{ end }}

{{- /* Resources: the proxy's, without null entries. */}}
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

{{- $podSecurity := dig "gateways" "securityContext" (dict) .Values }}
{{- $seccompProfile := dig "gateways" "seccompProfile" (dict) .Values }}
{{- $lifecycle := dig "lifecycle" (dict) $proxy }}
{{- $caAddress := .Values.global.caAddress }}
{{- if not $caAddress }}
  {{- $revisionSuffix := "" }}
  {{- if .Values.revision }}{{ $revisionSuffix = printf "-%s" .Values.revision }}{{ end }}
  {{- $caAddress = printf "istiod%s.%s.svc:15012" $revisionSuffix .Values.global.istioNamespace }}
{{- end }}
{{- $trustDomain := valueOrDefault .MeshConfig.TrustDomain (dig "trustDomain" "" .Values.global) }}
{{- $network := valueOrDefault (index .InfrastructureLabels "topology.istio.io/network") .Values.global.network }}
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
  ownerReferences:
  - apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    name: {{ .Name | quote }}
    uid: {{ .UID | quote }}
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
      labels: {{ toJsonMap (strdict "sidecar.istio.io/inject" "false" "service.istio.io/canonical-name" .DeploymentName "service.istio.io/canonical-revision" "latest") .InfrastructureLabels $managedLabels }}
    spec:
      securityContext:
      {{- if $podSecurity }}
        {{- toYaml $podSecurity | trim | nindent 8 }}
      {{- else }}
        {{- /* Lets the unprivileged gateway bind ports 80 and 443. */}}
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
      - name: agentgateway
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
        {{- /* agentgateway's own default user is 10101 (istiod passes 1337 unless the namespace
               assigns another). */}}
        securityContext:
          allowPrivilegeEscalation: false
          privileged: false
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          runAsUser: {{ .ProxyUID | default 10101 }}
          runAsGroup: {{ .ProxyGID | default 10101 }}
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
        {{- /* Its whole configuration comes over xDS from istiod. */}}
        args:
        - --config
        - "{}"
        {{- if $lifecycle }}
        lifecycle:
          {{- toYaml $lifecycle | trim | nindent 10 }}
        {{- end }}
        env:
        - name: POD_NAME
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        - name: POD_NAMESPACE
          valueFrom:
            fieldRef:
              fieldPath: metadata.namespace
        - name: NAMESPACE
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
        - name: CPU_LIMIT
          valueFrom:
            resourceFieldRef:
              resource: limits.cpu
              divisor: "1"
        - name: GATEWAY
          value: {{ .Name | quote }}
        - name: RUST_BACKTRACE
          value: "1"
        - name: CLUSTER_ID
          value: {{ valueOrDefault .Values.global.multiCluster.clusterName .ClusterID | quote }}
        {{- with $network }}
        - name: NETWORK
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
        - name: XDS_ADDRESS
          value: {{ .ProxyConfig.DiscoveryAddress | quote }}
        - name: CA_ADDRESS
          value: {{ $caAddress | quote }}
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
        {{- /* The CA bundle twice: where the xDS client and where the CA client look for it. */}}
        - name: istiod-ca-cert
          mountPath: /var/run/secrets/xds
        - name: xds-token
          mountPath: /var/run/secrets/xds-tokens
        - name: tmp
          mountPath: /tmp
        - name: istiod-ca-cert
          mountPath: /var/run/secrets/istio
        - name: istio-token
          mountPath: /var/run/secrets/tokens
      volumes:
      - name: tmp
        emptyDir: {}
      - name: xds-token
        projected:
          sources:
          - serviceAccountToken:
              audience: {{ .Values.global.sds.token.aud | quote }}
              expirationSeconds: 43200
              path: xds-token
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
       overlay)
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
