//go:build tools

// Package deps pins, for `go mod tidy`, the upstream packages the conformance tests of this module use.
package deps

import (
	_ "go.etcd.io/etcd/server/v3/embed"
	_ "helm.sh/helm/v3/pkg/chart/loader"
	_ "helm.sh/helm/v3/pkg/chartutil"
	_ "helm.sh/helm/v3/pkg/engine"
	_ "istio.io/istio/pkg/config/analysis/analyzers"
	_ "istio.io/istio/pkg/config/validation"
	_ "istio.io/istio/pkg/kube/inject"
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"
)
