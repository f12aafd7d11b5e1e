{{/*
  ============================================================================
  cdk8s-istio injection template "grpc-simple"
  ============================================================================
  Proxyless gRPC without an agent: selected by the pod annotation
  `inject.istio.io/templates: grpc-simple`. No proxy container at all; an
  init container writes a gRPC xDS bootstrap file that points the
  application's gRPC library straight at istiod's plain-text xDS port
  (15010), and every container of the pod is told where that file is.
  There is no certificate, so no mTLS: this is the minimal, insecure flavour
  (grpc-agent is the one with certificates).

  Inputs: .Spec.Containers (names), .Values.global.istioNamespace.
  The same text serves Istio 1.20 and 1.30: it reads nothing that differs.

  Output, merged into the pod by istiod's strategic merge patch:
    - annotation sidecar.istio.io/rewriteAppHTTPProbers "false": no agent
      listens on the status port, so probes must stay as the pod wrote them;
    - init container grpc-bootstrap-init (busybox) writing
      /var/lib/grpc/data/bootstrap.json;
    - GRPC_XDS_BOOTSTRAP and gRPC-go logging env + the bootstrap mount on
      every container (merged by name into the pod's own);
    - the emptyDir volume that carries the file.
*/}}
{{- /* Where the init container writes the bootstrap and the containers read it. */}}
{{- $bootstrapVolume := "grpc-io-proxyless-bootstrap" }}
{{- $bootstrapDir := "/var/lib/grpc/data/" }}
{{- /* The shell script the init container runs. The node id follows the sidecar form
       (sidecar~<ip>~<pod>.<namespace>~cluster.local); the xDS server is istiod of the
       default revision on its plain-text port. istiod's own grpc-simple template writes
       exactly this script, so a pod injected by either gets the same command. */}}
{{- $script := `NODE_ID="sidecar~${INSTANCE_IP}~${POD_NAME}.${POD_NAMESPACE}~cluster.local"
SERVER_URI="dns:///istiod.${ISTIO_NAMESPACE}.svc:15010"
echo '
{
  "xds_servers": [
    {
      "server_uri": "'${SERVER_URI}'",
      "channel_creds": [{"type": "insecure"}],
      "server_features" : ["xds_v3"]
    }
  ],
  "node": {
    "id": "'${NODE_ID}'",
    "metadata": {
      "GENERATOR": "grpc"
    }
  }
}' > /var/lib/grpc/data/bootstrap.json` }}
{{- /* ===================================================================
       Output
       =================================================================== */}}
metadata:
  annotations:
    sidecar.istio.io/rewriteAppHTTPProbers: "false"
spec:
  initContainers:
  - name: grpc-bootstrap-init
    image: busybox:1.28
    command:
    - sh
    - "-c"
    - {{ $script | quote }}
    env:
    - name: INSTANCE_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: POD_NAMESPACE
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
    {{- /* istiod writes the namespace followed by a line break (a YAML literal block); kept
           byte for byte so the container spec is the same as istiod's. */}}
    - name: ISTIO_NAMESPACE
      value: {{ printf "%s\n" .Values.global.istioNamespace | quote }}
    volumeMounts:
    - name: {{ $bootstrapVolume }}
      mountPath: {{ $bootstrapDir }}
  {{- /* Every container of the pod (istiod's template does not single out a proxy). */}}
  {{- with .Spec.Containers }}
  containers:
  {{- range . }}
  - name: {{ .Name | quote }}
    env:
    - name: GRPC_XDS_BOOTSTRAP
      value: {{ printf "%sbootstrap.json" $bootstrapDir }}
    - name: GRPC_GO_LOG_VERBOSITY_LEVEL
      value: "99"
    - name: GRPC_GO_LOG_SEVERITY_LEVEL
      value: info
    volumeMounts:
    - name: {{ $bootstrapVolume }}
      mountPath: {{ $bootstrapDir }}
  {{- end }}
  {{- end }}
  volumes:
  - name: {{ $bootstrapVolume }}
    emptyDir: {}
