// Package compare counts how many leaves of two Kubernetes objects agree. Lists of named things
// (containers, env, volumes, mounts, ports) are matched by name, other lists by position, so a
// reordered env list or an extra volume shows as exactly the leaves that differ.
package compare

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Result is the leaf-by-leaf agreement of two documents.
type Result struct {
	Compared int
	Equal    int
	// Diffs lists `path: ours=<v> upstream=<v>` for each leaf that differs.
	Diffs []string
}

// Add merges another result into r.
func (r *Result) Add(o Result) {
	r.Compared += o.Compared
	r.Equal += o.Equal
	r.Diffs = append(r.Diffs, o.Diffs...)
}

// Percent is Equal/Compared in percent (100 when nothing was compared).
func (r Result) Percent() float64 {
	if r.Compared == 0 {
		return 100
	}
	return 100 * float64(r.Equal) / float64(r.Compared)
}

// Normalize turns any JSON-marshalable value into plain maps, lists and scalars.
func Normalize(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
}

// Leaves flattens a document into path -> scalar (JSON text for scalars).
func Leaves(v any) map[string]string {
	out := map[string]string{}
	flatten("", v, out)
	return out
}

func flatten(path string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			out[path] = "{}"
			return
		}
		for k, val := range x {
			flatten(path+"."+escape(k), val, out)
		}
	case []any:
		if len(x) == 0 {
			out[path] = "[]"
			return
		}
		for i, val := range x {
			flatten(path+"["+key(val, i)+"]", val, out)
		}
	default:
		b, _ := json.Marshal(x)
		out[path] = string(b)
	}
}

func escape(k string) string {
	if strings.ContainsAny(k, ".[]") {
		return "'" + k + "'"
	}
	return k
}

// key names a list item by its `name` (or `containerPort`, or `mountPath`), else by index.
func key(v any, i int) string {
	if m, ok := v.(map[string]any); ok {
		if n, ok := m["name"].(string); ok && n != "" {
			return n
		}
		if p, ok := m["containerPort"]; ok {
			return fmt.Sprintf("port=%v", p)
		}
		if p, ok := m["mountPath"].(string); ok {
			return "mount=" + p
		}
	}
	return fmt.Sprint(i)
}

// Documents compares two normalized documents leaf by leaf; `prefix` names them in the diffs.
func Documents(prefix string, ours, upstream any) Result {
	a, b := Leaves(ours), Leaves(upstream)
	var r Result
	for _, k := range SortedKeys(a, b) {
		r.Compared++
		va, oka := a[k]
		vb, okb := b[k]
		if oka && okb && va == vb {
			r.Equal++
			continue
		}
		if !oka {
			va = "<absent>"
		}
		if !okb {
			vb = "<absent>"
		}
		r.Diffs = append(r.Diffs, fmt.Sprintf("%s%s: ours=%s upstream=%s", prefix, k, va, vb))
	}
	return r
}

// PruneEmpty drops nulls, empty maps and empty lists, recursively (where a Kubernetes API server treats
// them as absent: the control-plane comparison; never for pod volumes, where `emptyDir: {}` is a source).
func PruneEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			if p := PruneEmpty(val); p != nil {
				out[k] = p
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		var out []any
		for _, val := range x {
			if p := PruneEmpty(val); p != nil {
				out = append(out, p)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	default:
		return v
	}
}

// SortedKeys is the union of the maps' keys, sorted.
func SortedKeys[V any](maps ...map[string]V) []string {
	seen := map[string]bool{}
	for _, m := range maps {
		for k := range m {
			seen[k] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
