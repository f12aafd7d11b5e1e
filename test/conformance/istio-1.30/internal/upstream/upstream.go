// Package upstream renders what Istio itself installs, with Istio's own code from the module cache: the
// charts under manifests/ rendered by istioctl's manifest renderer (operator/pkg/render), the code behind
// `istioctl manifest generate`. Nothing of Istio's is copied into this repository.
package upstream

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	meshconfig "istio.io/api/mesh/v1alpha1"

	"istio.io/istio/operator/pkg/manifest"
	"istio.io/istio/operator/pkg/render"
	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/kube/inject"
)

// Tag is the Istio release this module judges.
const Tag = "1.30.3"

var (
	srcOnce sync.Once
	srcDir  string
	srcErr  error
)

// SourceDir is the istio.io/istio module's folder in the module cache (its charts and test data).
func SourceDir() (string, error) {
	srcOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "istio.io/istio").Output()
		if err != nil {
			srcErr = fmt.Errorf("go list -m istio.io/istio: %v", err)
			return
		}
		srcDir = strings.TrimSpace(string(out))
		if srcDir == "" {
			srcErr = fmt.Errorf("istio.io/istio is not in the module cache (run go mod download)")
		}
	})
	return srcDir, srcErr
}

// Render renders upstream's install of a profile (default, minimal, ambient, ...) with the release's
// image hub and tag, plus any `--set` style flags, and returns every object.
func Render(profile string, set ...string) ([]*unstructured.Unstructured, error) {
	dir, err := SourceDir()
	if err != nil {
		return nil, err
	}
	flags := append([]string{
		"installPackagePath=" + dir + "/manifests",
		"profile=" + profile,
		"hub=docker.io/istio",
		"tag=" + Tag,
	}, set...)
	sets, _, err := render.GenerateManifest(nil, flags, false, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("render %s: %v", profile, err)
	}
	var out []*unstructured.Unstructured
	for _, s := range sets {
		for _, m := range s.Manifests {
			out = append(out, m.Unstructured)
		}
	}
	return out, nil
}

// InjectionSettings is what istiod's injector runs with: the `config` and `values` keys of
// `istio-sidecar-injector` and the mesh config of the `istio` ConfigMap.
type InjectionSettings struct {
	Config *inject.Config
	Values inject.ValuesConfig
	Mesh   *meshconfig.MeshConfig
}

// ParseInjectionSettings reads the three texts the way istiod does (inject.UnmarshalConfig,
// inject.NewValuesConfig, mesh.ApplyMeshConfig over the defaults).
func ParseInjectionSettings(config, values, meshText string) (*InjectionSettings, error) {
	cfg, err := inject.UnmarshalConfig([]byte(config))
	if err != nil {
		return nil, fmt.Errorf("injector config: %v", err)
	}
	vc, err := inject.NewValuesConfig(values)
	if err != nil {
		return nil, fmt.Errorf("injector values: %v", err)
	}
	mc, err := mesh.ApplyMeshConfig(meshText, mesh.DefaultMeshConfig())
	if err != nil {
		return nil, fmt.Errorf("mesh config: %v", err)
	}
	return &InjectionSettings{Config: &cfg, Values: vc, Mesh: mc}, nil
}

// InjectionSettingsOf finds the injector and mesh ConfigMaps in rendered objects.
func InjectionSettingsOf(objs []*unstructured.Unstructured, revision string) (*InjectionSettings, error) {
	suffix := ""
	if revision != "" {
		suffix = "-" + revision
	}
	data := func(name string) (map[string]string, error) {
		for _, o := range objs {
			if o.GetKind() == "ConfigMap" && o.GetName() == name {
				d, _, err := unstructured.NestedStringMap(o.Object, "data")
				return d, err
			}
		}
		return nil, fmt.Errorf("no ConfigMap %s", name)
	}
	inj, err := data("istio-sidecar-injector" + suffix)
	if err != nil {
		return nil, err
	}
	m, err := data("istio" + suffix)
	if err != nil {
		return nil, err
	}
	return ParseInjectionSettings(inj["config"], inj["values"], m["mesh"])
}

// RenderChart renders one chart of the release (a folder under manifests/charts, e.g. "gateway" or
// "istio-control/istio-discovery") the way `helm template <release> <chart> -n <namespace>` does with the
// released chart package: the chart's version and appVersion are the release tag (the repository's
// Chart.yaml says 1.0.0; the published charts carry the Istio version).
func RenderChart(release, namespace, chartDir string, vals map[string]any) ([]*unstructured.Unstructured, error) {
	dir, err := SourceDir()
	if err != nil {
		return nil, err
	}
	chrt, err := loader.Load(filepath.Join(dir, "manifests", "charts", chartDir))
	if err != nil {
		return nil, fmt.Errorf("load chart %s: %v", chartDir, err)
	}
	chrt.Metadata.Version = Tag
	chrt.Metadata.AppVersion = Tag
	releaseDefaults(chrt.Values)
	options := chartutil.ReleaseOptions{Name: release, Namespace: namespace, IsInstall: true, Revision: 1}
	top, err := chartutil.ToRenderValues(chrt, vals, options, chartutil.DefaultCapabilities)
	if err != nil {
		return nil, err
	}
	files, err := engine.Render(chrt, top)
	if err != nil {
		return nil, fmt.Errorf("render chart %s: %v", chartDir, err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		if strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var out []*unstructured.Unstructured
	for _, name := range names {
		mfs, err := manifest.ParseMultiple(files[name])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		for _, m := range mfs {
			out = append(out, m.Unstructured)
		}
	}
	return out, nil
}

// releaseDefaults sets the image hub and tag in a chart's default values as the published chart package has
// them (the repository's charts carry test placeholders). 1.30 charts keep defaults under
// `_internal_defaults_do_not_set`.
func releaseDefaults(vals map[string]any) {
	if internal, ok := vals["_internal_defaults_do_not_set"].(map[string]any); ok {
		vals = internal
	}
	global, ok := vals["global"].(map[string]any)
	if !ok {
		return
	}
	if _, ok := global["hub"]; ok {
		global["hub"] = "docker.io/istio"
	}
	if _, ok := global["tag"]; ok {
		global["tag"] = Tag
	}
}

// InjectionCorpus lists the input documents of Istio's own injection tests (every *.yaml of
// pkg/kube/inject/testdata/inject but the *.iop.yaml settings), sorted.
func InjectionCorpus() ([]string, error) {
	src, err := SourceDir()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(src, "pkg", "kube", "inject", "testdata", "inject")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasSuffix(n, ".yaml") && !strings.HasSuffix(n, ".iop.yaml") {
			files = append(files, filepath.Join(dir, n))
		}
	}
	sort.Strings(files)
	if len(files) < 50 {
		return nil, fmt.Errorf("injection corpus in %s has only %d files", dir, len(files))
	}
	return files, nil
}
