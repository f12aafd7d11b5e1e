package apiserver

// The server start-up of this module's Kubernetes line; everything else is test/conformance/kubeapply.

import (
	"net/url"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/cdk8s-istio/conformance/kubeapply"
	"github.com/google/uuid"
	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/rest"
	kubeapiservertesting "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"
)

// startEtcd runs an embedded etcd on 127.0.0.1 (random ports, data in a test temp dir) and returns its client URL.
func startEtcd(t *testing.T) string {
	t.Helper()
	cfg := embed.NewConfig()
	cfg.Name = "conformance"
	cfg.Dir = filepath.Join(t.TempDir(), "etcd")
	cfg.LogLevel, cfg.LogOutputs = kubeapply.EtcdLogging()
	// The data dies with the test: no fsync.
	cfg.UnsafeNoFsync = true
	local := url.URL{Scheme: "http", Host: "127.0.0.1:0"}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{local}, []url.URL{local}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{local}, []url.URL{local}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		t.Fatalf("starting the embedded etcd: %v", err)
	}
	t.Cleanup(e.Close)
	select {
	case <-e.Server.ReadyNotify():
	case err := <-e.Err():
		t.Fatalf("embedded etcd: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("embedded etcd not ready after 60s")
	}
	return "http://" + e.Clients[0].Addr().String()
}

// startAPIServer runs a real kube-apiserver (Kubernetes' own test server: the kube-apiserver command's code
// with its apiextensions and aggregator servers) in process on the embedded etcd. No controller-manager,
// scheduler or kubelet: the suites only apply and delete objects.
func startAPIServer(t *testing.T) *rest.Config {
	t.Helper()
	kubeapply.QuietKlog(t)
	storage := storagebackend.NewDefaultConfig(path.Join(uuid.New().String(), "registry"), nil)
	storage.Transport.ServerList = []string{startEtcd(t)}
	server, err := kubeapiservertesting.StartTestServer(t, kubeapiservertesting.NewDefaultTestServerOptions(), kubeapply.APIServerFlags, storage)
	if err != nil {
		t.Fatalf("starting kube-apiserver: %v", err)
	}
	t.Cleanup(server.TearDownFn)
	return kubeapply.ClientConfig(server.ClientConfig)
}
