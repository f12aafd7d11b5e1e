package kubeapply

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/client-go/rest"
)

// StartFunc starts Kubernetes' own test server (k8s.io/kubernetes/cmd/kube-apiserver/app/testing.StartTestServer:
// the kube-apiserver command's code with its apiextensions and aggregator servers) with these flags on this storage
// and returns its loopback client configuration and its teardown. It is the one line a release module writes itself:
// k8s.io/kubernetes is not a module this one can require for both Kubernetes lines, the call is the same in both:
//
//	func(t *testing.T, flags []string, storage *storagebackend.Config) (*rest.Config, func(), error) {
//		s, err := kubeapiservertesting.StartTestServer(t, kubeapiservertesting.NewDefaultTestServerOptions(), flags, storage)
//		return s.ClientConfig, s.TearDownFn, err
//	}
type StartFunc func(t *testing.T, flags []string, storage *storagebackend.Config) (config *rest.Config, teardown func(), err error)

// StartAPIServer runs a real kube-apiserver in process on an embedded etcd (StartEtcd) with APIServerFlags plus
// extraFlags, stops both when t ends, and returns the suites' client configuration (ClientConfig) for it. No
// controller-manager, scheduler or kubelet runs.
func StartAPIServer(t *testing.T, start StartFunc, extraFlags ...string) *rest.Config {
	t.Helper()
	QuietKlog(t)
	storage := storagebackend.NewDefaultConfig(path.Join(uuid.New().String(), "registry"), nil)
	storage.Transport.ServerList = []string{StartEtcd(t)}
	flags := append(append([]string{}, APIServerFlags...), extraFlags...)
	cfg, teardown, err := start(t, flags, storage)
	if err != nil {
		t.Fatalf("starting kube-apiserver: %v", err)
	}
	t.Cleanup(teardown)
	return ClientConfig(cfg)
}

// StartEtcd runs an embedded etcd on 127.0.0.1 (random ports, data in a test temp dir, no fsync), stops it when t
// ends, and returns its client URL.
func StartEtcd(t *testing.T) string {
	t.Helper()
	cfg := embed.NewConfig()
	cfg.Name = "conformance"
	cfg.Dir = filepath.Join(t.TempDir(), "etcd")
	cfg.LogLevel, cfg.LogOutputs = EtcdLogging()
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

// RequireStampedVersion fails t unless the server's /version is a release version (v1.x): `go test` leaves
// VersionVar at v0.0.0-master unless -ldflags stamps it as Kubernetes' release builds do.
func RequireStampedVersion(t *testing.T, c *Cluster) string {
	t.Helper()
	version, err := c.Version()
	if err != nil {
		t.Fatalf("GET /version: %v", err)
	}
	if !strings.HasPrefix(version, "v1.") {
		t.Fatalf("the kube-apiserver reports version %q: it was built without the version stamp a release build has; "+
			"run go test with -ldflags=\"-X %s=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)\"", version, VersionVar)
	}
	return version
}

// RunReleaseSuite is a release module's whole kube-apiserver test: the fixtures must be there (checked before the
// server starts), then a real kube-apiserver (StartAPIServer with extraFlags) applies every case of the release,
// and the negative cases (if any) must be refused.
func RunReleaseSuite(t *testing.T, release string, start StartFunc, negatives []Negative, extraFlags ...string) {
	t.Helper()
	if _, err := CasesDir(release); err != nil {
		t.Fatal(err)
	}
	cluster, err := Connect(StartAPIServer(t, start, extraFlags...))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("cases", func(t *testing.T) { RunRelease(t, cluster, release) })
	if len(negatives) > 0 {
		t.Run("negative", func(t *testing.T) { RunNegatives(t, cluster, release, negatives) })
	}
}
