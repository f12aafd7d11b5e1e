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
	// Fail before the server starts when the fixtures are missing.
	if _, err := kubeapply.CasesDir(release); err != nil {
		t.Fatal(err)
	}
	cluster, err := kubeapply.Connect(startAPIServer(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("cases", func(t *testing.T) { kubeapply.RunRelease(t, cluster, release) })
}
