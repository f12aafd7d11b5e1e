package kubeapply

import (
	"flag"
	"os"
	"testing"

	"k8s.io/client-go/rest"
	"k8s.io/klog/v2"
)

// APIServerFlags are the kube-apiserver flags of every suite, on top of Kubernetes' test server defaults.
var APIServerFlags = []string{
	// As Kubernetes' integration tests run it: no endpoints reconciler, no ServiceAccount admission (that needs
	// the token controller).
	"--endpoint-reconciler-type=none",
	"--disable-admission-plugins=ServiceAccount",
	// Webhooks of the applied configurations resolve to their Service's endpoints, of which there are none:
	// calls fail at once (and the webhooks' failurePolicy decides) instead of dialling an unroutable cluster IP
	// until the webhook timeout.
	"--enable-aggregator-routing=true",
}

// ClientConfig is the suites' client configuration for the test server's loopback config.
func ClientConfig(server *rest.Config) *rest.Config {
	cfg := rest.CopyConfig(server)
	cfg.QPS, cfg.Burst = 1000, 10000
	// The server's warnings (deprecated APIs and the like) are not verdicts; keep them out of the test output.
	cfg.WarningHandler = rest.NoWarnings{}
	return cfg
}

// LogEnv names a file for the in-process kube-apiserver's log (klog) and, with suffix .etcd, the embedded
// etcd's; by default both are discarded.
const LogEnv = "CONFORMANCE_APISERVER_LOG"

// QuietKlog sends klog, which the in-process kube-apiserver logs to, to LogEnv's file or nowhere.
func QuietKlog(t *testing.T) {
	t.Helper()
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	set := map[string]string{"logtostderr": "false", "alsologtostderr": "false", "stderrthreshold": "FATAL", "one_output": "true", "log_file": os.DevNull}
	if file := os.Getenv(LogEnv); file != "" {
		set["log_file"] = file
	}
	for k, v := range set {
		if err := fs.Set(k, v); err != nil {
			t.Fatalf("klog flag %s: %v", k, err)
		}
	}
}

// EtcdLogging is the embedded etcd's LogLevel and LogOutputs: everything at info in LogEnv's file with suffix
// .etcd, or only fatal errors on stderr (etcd reports its listeners' closing at teardown as errors).
func EtcdLogging() (level string, outputs []string) {
	if file := os.Getenv(LogEnv); file != "" {
		return "info", []string{file + ".etcd"}
	}
	return "fatal", []string{"stderr"}
}
