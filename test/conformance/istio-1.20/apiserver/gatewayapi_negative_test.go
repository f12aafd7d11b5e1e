package apiserver

import (
	"testing"

	"github.com/cdk8s-istio/conformance/kubeapply"
)

// TestGatewayAPINegatives: the Gateway API faults of kubeapply, refused by this release's kube-apiserver with the
// Gateway API CRDs the library emits.
func TestGatewayAPINegatives(t *testing.T) {
	kubeapply.RunGatewayAPINegatives(t, release, startTestServer)
}
