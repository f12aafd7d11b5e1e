package main

// A small block-YAML emitter for JSON-shaped data, close to what
// sigs.k8s.io/yaml (go-yaml v2 underneath) prints: sorted map keys, two-space
// indentation, sequences at the same indentation as their parent key, "{}"
// and "[]" for empty collections, strings quoted only when a plain scalar
// would read back as something else. Quoting uses double quotes where go-yaml
// would often use single quotes: the parsed value is the same.

import (
	"encoding/json"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func emitYAML(v interface{}) string {
	var b strings.Builder
	switch t := v.(type) {
	case map[string]interface{}:
		if len(t) == 0 {
			return "{}\n"
		}
		emitMap(&b, t, 0)
	case []interface{}:
		if len(t) == 0 {
			return "[]\n"
		}
		emitList(&b, t, 0)
	default:
		b.WriteString(scalar(v) + "\n")
	}
	return b.String()
}

func emitMap(b *strings.Builder, m map[string]interface{}, indent int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pad := strings.Repeat(" ", indent)
	for _, k := range keys {
		b.WriteString(pad + scalar(k) + ":")
		emitValue(b, m[k], indent, indent+2)
	}
}

// emitValue writes what follows "key:" or "-": a scalar on the same line, or
// a nested block on the next lines. Maps nest at mapIndent; lists sit at
// listIndent (go-yaml does not indent a sequence below its key).
func emitValue(b *strings.Builder, v interface{}, listIndent, mapIndent int) {
	switch t := v.(type) {
	case map[string]interface{}:
		if len(t) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteString("\n")
		emitMap(b, t, mapIndent)
	case []interface{}:
		if len(t) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteString("\n")
		emitList(b, t, listIndent)
	default:
		b.WriteString(" " + scalar(v) + "\n")
	}
}

func emitList(b *strings.Builder, l []interface{}, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, item := range l {
		switch t := item.(type) {
		case map[string]interface{}:
			if len(t) == 0 {
				b.WriteString(pad + "- {}\n")
				continue
			}
			// First key on the dash line, the rest aligned under it.
			var inner strings.Builder
			emitMap(&inner, t, indent+2)
			text := inner.String()
			b.WriteString(pad + "- " + strings.TrimPrefix(text, strings.Repeat(" ", indent+2)))
		case []interface{}:
			if len(t) == 0 {
				b.WriteString(pad + "- []\n")
				continue
			}
			b.WriteString(pad + "-\n")
			emitList(b, t, indent+2)
		default:
			b.WriteString(pad + "- " + scalar(item) + "\n")
		}
	}
}

var (
	plainUnsafe = regexp.MustCompile(`^[-?:,\[\]{}#&*!|>'"%@` + "`" + `]|: | #|:$|^\s|\s$|[\n\t]`)
	special     = regexp.MustCompile(`^(?i:true|false|yes|no|on|off|y|n|null|~)$|^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^0[xob]|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$`)
)

func scalar(v interface{}) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(t)
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case string:
		if t == "" || plainUnsafe.MatchString(t) || special.MatchString(t) {
			q, _ := json.Marshal(t)
			return string(q)
		}
		return t
	}
	q, _ := json.Marshal(v)
	return string(q)
}
