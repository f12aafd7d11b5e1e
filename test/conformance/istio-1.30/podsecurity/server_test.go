package podsecurity

// The server start-up of this module's Kubernetes line (as in ../apiserver); the rest is test/conformance/kubeapply.

import (
	"testing"

	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/rest"
	kubeapiservertesting "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"
)

func startTestServer(t *testing.T, flags []string, storage *storagebackend.Config) (*rest.Config, func(), error) {
	s, err := kubeapiservertesting.StartTestServer(t, kubeapiservertesting.NewDefaultTestServerOptions(), flags, storage)
	if err != nil {
		return nil, nil, err
	}
	return s.ClientConfig, s.TearDownFn, nil
}
