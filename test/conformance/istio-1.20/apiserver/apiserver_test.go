// Package apiserver applies everything cdk8s-istio synthesizes for Istio 1.20.3 to a real kube-apiserver
// (v1.29, the newest Kubernetes line Istio 1.20 supports, in process on an embedded etcd) with server-side
// apply and strict field validation. The shared apply/report logic is test/conformance/kubeapply.
package apiserver

import (
	"testing"

	"github.com/cdk8s-istio/conformance/kubeapply"
)

const release = "1.20.3"

func TestKubeAPIServer(t *testing.T) {
	kubeapply.RunReleaseSuite(t, release, startTestServer, nil, defaultRuntimeConfig())
}
