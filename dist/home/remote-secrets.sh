#!/bin/sh
# Remote secrets of the mesh fleet "home" (mesh home-mesh, multi-primary-multi-network).
# Each cluster gets one Secret per other cluster (label istio/multiCluster=true): a kubeconfig of that cluster's
# istio-reader-service-account, which its istiod uses to discover the other cluster's endpoints.
# Needs istioctl and kubectl with a context per cluster. The secrets are created in the clusters and never
# written to disk or git. Re-run after adding a cluster or rotating a reader token.
set -eu
echo "remote secret of pi-b in pi-a"
istioctl create-remote-secret --context='pi-b' --name='pi-b' --namespace='istio-system' \
  | kubectl apply --context='pi-a' --namespace='istio-system' -f -
echo "remote secret of pi-a in pi-b"
istioctl create-remote-secret --context='pi-a' --name='pi-a' --namespace='istio-system' \
  | kubectl apply --context='pi-b' --namespace='istio-system' -f -
