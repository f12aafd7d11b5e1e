// Command harness executes one istiod injection template the way istiod does
// and prints the rendered text: Go text/template, sprig's text function map,
// and istiod's injection functions layered over it (istiod's win on clashes),
// executed against a data struct shaped like istiod's template data.
//
// Input: one JSON document (see input below), from the file named by the first
// argument or from stdin. Output: the rendered template on stdout. A parse or
// execution error is printed on stderr exactly as text/template reports it,
// and the exit code is 1.
//
// Build (no modules, no network; Debian packages golang-go and
// golang-github-masterminds-sprig-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o harness .
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/template"

	"github.com/Masterminds/sprig"
)

// input is what the jest helper sends.
type input struct {
	// Template is the Go template text (one entry of the ConfigMap's templates map).
	Template string `json:"template"`
	// Functions says which release-dependent istiod functions exist.
	Functions functionSet `json:"functions"`
	// CompliancePolicyField: the template data has .CompliancePolicy (1.30).
	CompliancePolicyField bool `json:"compliancePolicyField"`

	TypeMeta                 TypeMeta               `json:"typeMeta"`
	DeploymentMeta           NamespacedName         `json:"deploymentMeta"`
	Pod                      podInput               `json:"pod"`
	Values                   map[string]interface{} `json:"values"`
	MeshConfig               json.RawMessage        `json:"meshConfig"`
	ProxyConfig              json.RawMessage        `json:"proxyConfig"`
	Revision                 string                 `json:"revision"`
	NativeSidecars           bool                   `json:"nativeSidecars"`
	ProxyImage               string                 `json:"proxyImage"`
	ProxyUID                 int64                  `json:"proxyUID"`
	ProxyGID                 int64                  `json:"proxyGID"`
	InboundTrafficPolicyMode string                 `json:"inboundTrafficPolicyMode"`
	CompliancePolicy         string                 `json:"compliancePolicy"`
}

type podInput struct {
	Metadata ObjectMeta `json:"metadata"`
	Spec     PodSpec    `json:"spec"`
}

// dataV120 mirrors the fields istiod 1.20 passes to a template.
type dataV120 struct {
	TypeMeta                 TypeMeta
	DeploymentMeta           NamespacedName
	ObjectMeta               ObjectMeta
	Spec                     PodSpec
	ProxyConfig              *ProxyConfig
	MeshConfig               *MeshConfig
	Values                   map[string]interface{}
	Revision                 string
	NativeSidecars           bool
	ProxyImage               string
	ProxyUID                 int64
	ProxyGID                 int64
	InboundTrafficPolicyMode string
}

// dataV130 adds what 1.30 passes on top of 1.20.
type dataV130 struct {
	TypeMeta                 TypeMeta
	DeploymentMeta           NamespacedName
	ObjectMeta               ObjectMeta
	Spec                     PodSpec
	ProxyConfig              *ProxyConfig
	MeshConfig               *MeshConfig
	Values                   map[string]interface{}
	Revision                 string
	NativeSidecars           bool
	ProxyImage               string
	ProxyUID                 int64
	ProxyGID                 int64
	InboundTrafficPolicyMode string
	CompliancePolicy         string
}

func main() {
	raw, err := readInput(os.Args[1:])
	if err != nil {
		die("harness: reading input: %v", err)
	}
	var in input
	if err := json.Unmarshal(raw, &in); err != nil {
		die("harness: decoding input: %v", err)
	}
	out, err := render(in)
	if err != nil {
		// The engine's own message, e.g. `template: inject:3: function "x" not defined`.
		die("%v", err)
	}
	os.Stdout.Write(out)
}

func readInput(args []string) ([]byte, error) {
	if len(args) > 0 && args[0] != "-" {
		return os.ReadFile(args[0])
	}
	return io.ReadAll(os.Stdin)
}

func die(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
	os.Exit(1)
}

// render parses and executes the template as istiod does: template named
// "inject", sprig first, istiod's functions over it, default missingkey.
func render(in input) ([]byte, error) {
	funcs := sprig.TxtFuncMap()
	for name, fn := range injectionFuncs(in.Functions) {
		funcs[name] = fn
	}
	tmpl, err := template.New("inject").Funcs(funcs).Parse(in.Template)
	if err != nil {
		return nil, err
	}
	proxyConfig, err := decodeProxyConfig(in.ProxyConfig)
	if err != nil {
		return nil, fmt.Errorf("harness: proxyConfig: %v", err)
	}
	meshConfig, err := decodeMeshConfig(in.MeshConfig)
	if err != nil {
		return nil, fmt.Errorf("harness: meshConfig: %v", err)
	}
	if in.Values == nil {
		in.Values = map[string]interface{}{}
	}
	var data interface{}
	if in.CompliancePolicyField {
		data = &dataV130{
			TypeMeta: in.TypeMeta, DeploymentMeta: in.DeploymentMeta,
			ObjectMeta: in.Pod.Metadata, Spec: in.Pod.Spec,
			ProxyConfig: proxyConfig, MeshConfig: meshConfig, Values: in.Values,
			Revision: in.Revision, NativeSidecars: in.NativeSidecars, ProxyImage: in.ProxyImage,
			ProxyUID: in.ProxyUID, ProxyGID: in.ProxyGID,
			InboundTrafficPolicyMode: in.InboundTrafficPolicyMode, CompliancePolicy: in.CompliancePolicy,
		}
	} else {
		data = &dataV120{
			TypeMeta: in.TypeMeta, DeploymentMeta: in.DeploymentMeta,
			ObjectMeta: in.Pod.Metadata, Spec: in.Pod.Spec,
			ProxyConfig: proxyConfig, MeshConfig: meshConfig, Values: in.Values,
			Revision: in.Revision, NativeSidecars: in.NativeSidecars, ProxyImage: in.ProxyImage,
			ProxyUID: in.ProxyUID, ProxyGID: in.ProxyGID,
			InboundTrafficPolicyMode: in.InboundTrafficPolicyMode,
		}
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
