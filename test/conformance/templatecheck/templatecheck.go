// Package templatecheck reads an injection template the way istiod's text/template will execute it and
// lists every field of the template data and every function it names that a release's istiod does not
// give it. Such a name fails only at execution, when istiod injects a pod: istiod then refuses the pod.
//
// Branches switched by our own values (`{{ if $features.X }}`, where `$features` is
// `.Values.sidecarInjectorWebhook.templateFeatures`) are followed the way the release's values set them:
// Go templates resolve a field only when its branch runs, so a guarded field is fine.
package templatecheck

import (
	"fmt"
	"sort"
	"strings"
	"text/template"
	"text/template/parse"
)

// Contract is what istiod gives a template at one release (see IstioVersion.templateData in src/version.ts).
type Contract struct {
	Fields               []string `json:"fields"`
	DeploymentMetaFields []string `json:"deploymentMetaFields"`
	Functions            []string `json:"functions"`
	Sprig                string   `json:"sprig"`
	// GatewayFields is the data of the templates istiod's Gateway API deployment controller runs
	// (GatewayTemplates) instead of a pod's.
	GatewayFields    []string `json:"gatewayFields"`
	GatewayTemplates []string `json:"gatewayTemplates"`
}

// Check parses `text` with exactly the functions the release has (`funcs`: sprig's text functions plus
// the contract's own, any implementation) and walks it; it returns one line per problem.
func Check(name, text string, c Contract, funcs template.FuncMap, features map[string]any) []string {
	fm := template.FuncMap{}
	for k, v := range funcs {
		fm[k] = v
	}
	for _, f := range c.Functions {
		if _, ok := fm[f]; !ok {
			fm[f] = func(...any) any { return nil }
		}
	}
	tpl, err := template.New(name).Funcs(fm).Parse(text)
	if err != nil {
		return []string{fmt.Sprintf("%s: does not parse with this release's functions: %v", name, err)}
	}
	w := walker{name: name, fields: set(c.Fields), meta: set(c.DeploymentMetaFields), features: features}
	if set(c.GatewayTemplates)[name] {
		// the controller's input has no DeploymentMeta to look into
		w.fields, w.meta = set(c.GatewayFields), nil
	}
	for _, t := range tpl.Templates() {
		if t.Tree != nil {
			w.list(t.Tree.Root, true)
		}
	}
	sort.Strings(w.problems)
	return w.problems
}

func set(xs []string) map[string]bool {
	out := map[string]bool{}
	for _, x := range xs {
		out[x] = true
	}
	return out
}

type walker struct {
	name     string
	fields   map[string]bool
	meta     map[string]bool
	features map[string]any
	problems []string
}

func (w *walker) problem(format string, args ...any) {
	w.problems = append(w.problems, w.name+": "+fmt.Sprintf(format, args...))
}

// chain checks a field chain read from the template data (`.X.Y` at the top level, or `$.X.Y`).
func (w *walker) chain(idents []string, where parse.Pos) {
	if len(idents) == 0 {
		return
	}
	if !w.fields[idents[0]] {
		w.problem("field .%s (at %d) is not in this release's template data", strings.Join(idents, "."), where)
		return
	}
	if idents[0] == "DeploymentMeta" && w.meta != nil && len(idents) > 1 && !w.meta[idents[1]] {
		w.problem("field .DeploymentMeta.%s (at %d) is not in this release's DeploymentMeta", idents[1], where)
	}
}

// list walks a list of nodes; `top` is true while dot is the template data.
func (w *walker) list(l *parse.ListNode, top bool) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		w.node(n, top)
	}
}

func (w *walker) node(n parse.Node, top bool) {
	switch x := n.(type) {
	case *parse.ActionNode:
		w.pipe(x.Pipe, top)
	case *parse.IfNode:
		w.branch(x.Pipe, x.List, x.ElseList, top, top)
	case *parse.WithNode:
		// inside `with`, dot is the pipeline's value
		w.branch(x.Pipe, x.List, x.ElseList, false, top)
	case *parse.RangeNode:
		w.pipe(x.Pipe, top)
		w.list(x.List, false)
		w.list(x.ElseList, top)
	case *parse.TemplateNode:
		w.pipe(x.Pipe, top)
	case *parse.ListNode:
		w.list(x, top)
	}
}

// branch follows only the taken branch of a `$features.X` switch, both otherwise.
func (w *walker) branch(p *parse.PipeNode, then, els *parse.ListNode, thenTop, elseTop bool) {
	if flag, ok := featureFlag(p); ok {
		v, known := w.features[flag]
		if !known {
			w.problem("switch $features.%s is not in this release's templateFeatures", flag)
			return
		}
		if truthy(v) {
			w.list(then, thenTop)
		} else {
			w.list(els, elseTop)
		}
		return
	}
	w.pipe(p, elseTop)
	w.list(then, thenTop)
	w.list(els, elseTop)
}

func featureFlag(p *parse.PipeNode) (string, bool) {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return "", false
	}
	v, ok := p.Cmds[0].Args[0].(*parse.VariableNode)
	if !ok || len(v.Ident) != 2 || v.Ident[0] != "$features" {
		return "", false
	}
	return v.Ident[1], true
}

func truthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case string:
		return x != ""
	case float64:
		return x != 0
	case map[string]any:
		return len(x) > 0
	case []any:
		return len(x) > 0
	}
	return true
}

func (w *walker) pipe(p *parse.PipeNode, top bool) {
	if p == nil {
		return
	}
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			w.arg(a, top)
		}
	}
}

func (w *walker) arg(a parse.Node, top bool) {
	switch x := a.(type) {
	case *parse.FieldNode:
		if top {
			w.chain(x.Ident, x.Pos)
		}
	case *parse.VariableNode:
		if len(x.Ident) > 1 && x.Ident[0] == "$" {
			w.chain(x.Ident[1:], x.Pos)
		}
	case *parse.ChainNode:
		w.arg(x.Node, top)
	case *parse.PipeNode:
		w.pipe(x, top)
	}
}
