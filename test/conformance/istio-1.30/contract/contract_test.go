// Package contract checks the library's template-data contract for this release (IstioVersion.templateData)
// against Istio's own injector code, then checks every template our injector ConfigMap carries against it:
// a template that names a field or function its release lacks fails only when istiod injects a pod.
package contract

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/Masterminds/sprig/v3"

	"istio.io/istio/pilot/pkg/config/kube/gatewaycommon"
	"istio.io/istio/pkg/kube/inject"

	"github.com/cdk8s-istio/conformance/istio-1.30/internal/ours"
	"github.com/cdk8s-istio/conformance/istio-1.30/internal/upstream"
	"github.com/cdk8s-istio/conformance/templatecheck"
)

func load(t *testing.T, tag string) (templatecheck.Contract, map[string]any) {
	text, err := ours.Read(tag, "template-contract.json")
	if err != nil {
		t.Fatal(err)
	}
	var c templatecheck.Contract
	if err := json.Unmarshal([]byte(text), &c); err != nil {
		t.Fatal(err)
	}
	values, err := ours.Read(tag, "injector", "values")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		SidecarInjectorWebhook struct {
			TemplateFeatures map[string]any `json:"templateFeatures"`
		} `json:"sidecarInjectorWebhook"`
	}
	if err := json.Unmarshal([]byte(values), &v); err != nil {
		t.Fatal(err)
	}
	return c, v.SidecarInjectorWebhook.TemplateFeatures
}

func fieldNames(v any) []string {
	typ := reflect.TypeOf(v)
	var out []string
	for i := 0; i < typ.NumField(); i++ {
		if typ.Field(i).IsExported() {
			out = append(out, typ.Field(i).Name)
		}
	}
	sort.Strings(out)
	return out
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

// TestContractIsIstios: the fields are exactly those of Istio's SidecarTemplateData (and its DeploymentMeta),
// and every function the contract names is one istiod's template parser knows.
func TestContractIsIstios(t *testing.T) {
	c, _ := load(t, upstream.Tag)
	if got, want := sorted(c.Fields), fieldNames(inject.SidecarTemplateData{}); !reflect.DeepEqual(got, want) {
		t.Errorf("template data fields: contract %v, istio %v", got, want)
	}
	meta := reflect.ValueOf(inject.SidecarTemplateData{}).FieldByName("DeploymentMeta").Interface()
	if got, want := sorted(c.DeploymentMetaFields), fieldNames(meta); !reflect.DeepEqual(got, want) {
		t.Errorf("DeploymentMeta fields: contract %v, istio %v", got, want)
	}
	for _, f := range c.Functions {
		if _, err := inject.ParseTemplates(inject.RawTemplates{"probe": fmt.Sprintf("{{ if false }}{{ %s }}{{ end }}", f)}); err != nil {
			t.Errorf("contract function %s: istiod's parser refuses it: %v", f, err)
		}
	}
	// The deployment controller's data: its TemplateInput (Gateway fields promoted) plus what it adds from the
	// injector (an unexported struct: ProxyImage, AgentgatewayImage, ProxyConfig, MeshConfig, Values).
	var input []string
	for _, f := range reflect.VisibleFields(reflect.TypeOf(gatewaycommon.TemplateInput{})) {
		if f.IsExported() {
			input = append(input, f.Name)
		}
	}
	input = append(input, "ProxyImage", "AgentgatewayImage", "ProxyConfig", "MeshConfig", "Values")
	if got, want := sorted(c.GatewayFields), sorted(input); !reflect.DeepEqual(got, want) {
		t.Errorf("deployment controller fields: contract %v, istio %v", got, want)
	}
	for _, f := range c.Functions {
		if _, ok := inject.InjectionFuncmap[f]; !ok {
			t.Errorf("contract function %s is not in istio's InjectionFuncmap", f)
		}
	}
	for f := range inject.InjectionFuncmap {
		if !contains(c.Functions, f) {
			t.Errorf("istio's InjectionFuncmap has %s, the contract does not", f)
		}
	}
	// the probe itself must be able to fail
	if _, err := inject.ParseTemplates(inject.RawTemplates{"probe": "{{ if false }}{{ noSuchFunction }}{{ end }}"}); err == nil {
		t.Error("istiod's parser accepted an unknown function: the function probe proves nothing")
	}
	fmt.Printf("conformance %s template contract: %d fields, %d DeploymentMeta fields, %d controller fields, %d istio functions, sprig %s: as istio's code\n",
		upstream.Tag, len(c.Fields), len(c.DeploymentMetaFields), len(c.GatewayFields), len(c.Functions), c.Sprig)
}

// sprigAdded lists, per sprig release istiod links, the text functions of the sprig this module links (3.3.0)
// that it does not have yet (3.2.3 lacks only sha512sum: their function maps differ by that one name).
var sprigAdded = map[string][]string{"3.3.0": nil, "3.2.3": {"sha512sum"}}

// TestTemplatesKeepTheContract: every template of our injector, at each release, names only what that
// release's istiod gives it (1.20.3: the contract of src/version.ts; 1.30.3: the same, checked above against
// Istio's code).
func TestTemplatesKeepTheContract(t *testing.T) {
	for _, tag := range []string{upstream.Tag, "1.20.3"} {
		c, features := load(t, tag)
		missing, ok := sprigAdded[c.Sprig]
		if !ok {
			t.Fatalf("%s: no function set known for sprig %s", tag, c.Sprig)
		}
		funcs := sprig.TxtFuncMap()
		for _, f := range missing {
			delete(funcs, f)
		}
		config, err := ours.Read(tag, "injector", "config")
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := inject.UnmarshalConfig([]byte(config))
		if err != nil {
			t.Fatal(err)
		}
		names := make([]string, 0, len(cfg.RawTemplates))
		for n := range cfg.RawTemplates {
			names = append(names, n)
		}
		sort.Strings(names)
		var problems []string
		for _, n := range names {
			problems = append(problems, templatecheck.Check(n, cfg.RawTemplates[n], c, funcs, features)...)
		}
		fmt.Printf("conformance %s template contract: %d templates (%s), %d problems\n", tag, len(names), strings.Join(names, ", "), len(problems))
		for _, p := range problems {
			t.Errorf("%s: %s", tag, p)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
