package webhookcases

// The server start-up of this module's Kubernetes line; everything else is test/conformance/kubeapply.

import (
	"testing"

	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/rest"
	kubeapiservertesting "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"
)

// startTestServer is Kubernetes' own test server of this module's line, for kubeapply.StartAPIServer.
func startTestServer(t *testing.T, flags []string, storage *storagebackend.Config) (*rest.Config, func(), error) {
	s, err := kubeapiservertesting.StartTestServer(t, kubeapiservertesting.NewDefaultTestServerOptions(), flags, storage)
	if err != nil {
		return nil, nil, err
	}
	return s.ClientConfig, s.TearDownFn, nil
}
