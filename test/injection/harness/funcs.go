package main

// istiod's injection template functions, written from their documented
// behaviour (see docs/injection-templates.md). They are registered over
// sprig's text functions, so on a name clash (indent, contains, ...) these
// win, as in istiod.

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
	"text/template"
)

// functionSet says which functions that only some releases have are present.
type functionSet struct {
	OmitNil                bool `json:"omitNil"`
	OtelResourceAttributes bool `json:"otelResourceAttributes"`
}

func injectionFuncs(set functionSet) template.FuncMap {
	funcs := template.FuncMap{
		"annotation":          annotation,
		"isset":               isset,
		"excludeInboundPort":  excludeInboundPort,
		"includeInboundPorts": includeInboundPorts,
		"applicationPorts":    applicationPorts,
		"kubevirtInterfaces":  identity,
		"excludeInterfaces":   identity,
		"valueOrDefault":      valueOrDefault,
		"toJSON":              toJSON,
		"fromJSON":            fromJSON,
		"structToJSON":        structToJSON,
		"protoToJSON":         protoToJSON,
		"toYaml":              toYaml,
		"indent":              indent,
		"directory":           directory,
		"contains":            contains,
		"toLower":             strings.ToLower,
		"appendMultusNetwork": appendMultusNetwork,
		"env":                 env,
	}
	if set.OmitNil {
		funcs["omitNil"] = omitNil
	}
	if set.OtelResourceAttributes {
		funcs["otelResourceAttributes"] = otelResourceAttributes
	}
	return funcs
}

// annotation returns the pod annotation when the key exists (even if empty),
// else the default printed with fmt (an enum prints its name).
func annotation(meta ObjectMeta, key string, def interface{}) string {
	if v, ok := meta.Annotations[key]; ok {
		return v
	}
	return fmt.Sprint(def)
}

// isset is true when the key is present in the map.
func isset(m map[string]string, key string) bool {
	_, ok := m[key]
	return ok
}

// excludeInboundPort appends port to a comma list unless the port is empty or
// "0" or already listed; blank entries of the list are dropped on the way.
func excludeInboundPort(port interface{}, list string) string {
	p := strings.TrimSpace(fmt.Sprint(port))
	if p == "" || p == "0" {
		return list
	}
	kept := []string{}
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == p {
			return list
		}
		if item != "" {
			kept = append(kept, item)
		}
	}
	return strings.Join(append(kept, p), ",")
}

func containerPorts(containers []Container, keep func(Container) bool) string {
	ports := []string{}
	for _, c := range containers {
		if !keep(c) {
			continue
		}
		for _, p := range c.Ports {
			if p.Protocol == "UDP" || p.Protocol == "SCTP" {
				continue
			}
			ports = append(ports, fmt.Sprint(p.ContainerPort))
		}
	}
	return strings.Join(ports, ",")
}

func includeInboundPorts(containers []Container) string {
	return containerPorts(containers, func(Container) bool { return true })
}

func applicationPorts(containers []Container) string {
	return containerPorts(containers, func(c Container) bool { return c.Name != "istio-proxy" })
}

func identity(s string) string { return s }

// valueOrDefault returns d when v is "" or nil.
func valueOrDefault(v interface{}, d interface{}) interface{} {
	if v == nil || v == "" {
		return d
	}
	return v
}

func toJSON(m map[string]string) string {
	if m == nil {
		return "{}"
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// fromJSON decodes JSON into generic data; on error it returns the string "{}".
func fromJSON(s string) interface{} {
	var v interface{}
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		return "{}"
	}
	return v
}

// structToJSON marshals v; "{}" for nil or on error.
func structToJSON(v interface{}) string {
	if v == nil {
		return "{}"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// protoToJSON approximates istiod's: the JSON of the proxy config the test
// gave (istiod also blanks fields equal to the mesh defaults).
func protoToJSON(pc *ProxyConfig) string {
	if pc == nil || len(pc.raw) == 0 {
		return "{}"
	}
	b, err := json.Marshal(pc.raw)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// toYaml marshals like sigs.k8s.io/yaml: through JSON, then block YAML with
// sorted keys and sequences not indented below their key (see yaml.go).
func toYaml(v interface{}) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var generic interface{}
	if err := json.Unmarshal(b, &generic); err != nil {
		return ""
	}
	return emitYAML(generic)
}

// indent pads every line except the first (unlike sprig's indent).
func indent(spaces int, s string) string {
	pad := strings.Repeat(" ", spaces)
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		lines[i] = pad + lines[i]
	}
	return strings.Join(lines, "\n")
}

// directory returns the directory part of a slash path, with its trailing slash.
func directory(p string) string {
	dir, _ := path.Split(p)
	return dir
}

// contains(needle, haystack): substring test.
func contains(needle, haystack string) bool {
	return strings.Contains(haystack, needle)
}

// appendMultusNetwork adds network to a Multus networks annotation, JSON-list
// or comma form, unless it is already there.
func appendMultusNetwork(existing, network string) string {
	if existing == "" {
		return network
	}
	if end := strings.LastIndex(existing, "]"); end >= 0 {
		var nets []map[string]interface{}
		if err := json.Unmarshal([]byte(existing), &nets); err != nil {
			return existing
		}
		for _, n := range nets {
			if n["name"] == network {
				return existing
			}
		}
		return existing[:end] + fmt.Sprintf(`, {"name": %q}`, network) + existing[end:]
	}
	for _, n := range strings.Split(existing, ",") {
		if strings.TrimSpace(n) == network {
			return existing
		}
	}
	return existing + ", " + network
}

// env reads istiod's environment (here: the harness's).
func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// omitNil drops null map entries and list items, recursively (1.30).
func omitNil(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		out := map[string]interface{}{}
		for k, item := range t {
			if item != nil {
				out[k] = omitNil(item)
			}
		}
		return out
	case []interface{}:
		out := []interface{}{}
		for _, item := range t {
			if item != nil {
				out = append(out, omitNil(item))
			}
		}
		return out
	}
	return v
}

// otelResourceAttributes (1.30) approximates istiod's: "" unless the mesh has
// an OpenTelemetry extension provider; then service.name (canonical name
// label, else app label, else the first container) and the pod's
// resource.opentelemetry.io/* annotations, as k=v pairs in key order.
func otelResourceAttributes(mesh *MeshConfig, annotations, labels map[string]string, namespace string, containers []Container) string {
	enabled := false
	if mesh != nil {
		for _, p := range mesh.ExtensionProviders {
			if p != nil && p.raw["opentelemetry"] != nil {
				enabled = true
			}
		}
	}
	if !enabled {
		return ""
	}
	attrs := map[string]string{"service.namespace": namespace}
	name := labels["service.istio.io/canonical-name"]
	if name == "" {
		name = labels["app"]
	}
	if name == "" && len(containers) > 0 {
		name = containers[0].Name
	}
	attrs["service.name"] = name
	for _, key := range []string{"service.namespace", "service.version", "service.instance.id"} {
		if v, ok := annotations["resource.opentelemetry.io/"+key]; ok {
			attrs[key] = v
		}
	}
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+attrs[k])
	}
	return strings.Join(parts, ",")
}
