package apiserver

// The server start-up of this module's Kubernetes line; everything else is test/conformance/kubeapply.

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/rest"
	kubeapiservertesting "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"
	"k8s.io/kubernetes/pkg/controlplane"
)

// startTestServer is Kubernetes' own test server of this module's line (the kube-apiserver command's code with its
// apiextensions and aggregator servers), for kubeapply.StartAPIServer.
func startTestServer(t *testing.T, flags []string, storage *storagebackend.Config) (*rest.Config, func(), error) {
	s, err := kubeapiservertesting.StartTestServer(t, kubeapiservertesting.NewDefaultTestServerOptions(), flags, storage)
	if err != nil {
		return nil, nil, err
	}
	return s.ClientConfig, s.TearDownFn, nil
}

// defaultRuntimeConfig undoes the 1.29 test server's --runtime-config=api/all=true (which serves every alpha and
// beta API): it turns off again every group version and resource that a kube-apiserver 1.29 serves not by
// default (its own DefaultAPIResourceConfigSource), so the server judges as a default 1.29 cluster does.
// (The 1.35 test server keeps the defaults itself.)
func defaultRuntimeConfig() string {
	defaults := controlplane.DefaultAPIResourceConfigSource()
	var keys []string
	for gv, enabled := range defaults.GroupVersionConfigs {
		if !enabled && gv.Group != "" {
			keys = append(keys, gv.String()+"=false")
		}
	}
	for gvr, enabled := range defaults.ResourceConfigs {
		if gvr.Group != "" {
			keys = append(keys, fmt.Sprintf("%s/%s/%s=%t", gvr.Group, gvr.Version, gvr.Resource, enabled))
		}
	}
	sort.Strings(keys)
	return "--runtime-config=" + strings.Join(keys, ",")
}
