// Package analyzerparity measures how far cdk8s-istio's analyzer (`cdk8s-istio analyze`) agrees with
// `istioctl analyze` on Istio's own analyzer test table: the cases of pkg/config/analysis/analyzers/
// analyzers_test.go and their testdata/, read at test time from the istio.io/istio module in the Go module
// cache (nothing of Istio's is copied into this repository).
//
// The table is a _test.go file, so it cannot be imported: it is parsed with go/parser and read with go/ast.
// Each case names one upstream analyzer; which message codes that analyzer can report is read from its own
// source (the msg.New<Message> calls reachable from its methods), and the codes themselves from
// pkg/config/analysis/msg/messages.gen.go.
package analyzerparity

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Message is one message upstream expects: its message type and the resource it is about.
type Message struct {
	// Type is the message name (msg.<Type>), e.g. ReferencedResourceNotFound.
	Type string
	// Code is the message code, e.g. IST0101.
	Code string
	// Kind, Namespace (empty when the input YAML names none) and Name of the resource.
	Kind, Namespace, Name string
}

func (m Message) String() string {
	if m.Namespace == "" {
		return fmt.Sprintf("%s %s %s", m.Code, m.Kind, m.Name)
	}
	return fmt.Sprintf("%s %s %s/%s", m.Code, m.Kind, m.Namespace, m.Name)
}

// Case is one entry of upstream's testGrid.
type Case struct {
	Name             string
	InputFiles       []string // absolute paths
	MeshConfigFile   string   // absolute path or ""
	MeshNetworksFile string   // absolute path or ""
	// Analyzer is the analyzer expression as written, e.g. `&virtualservice.GatewayAnalyzer{}`.
	Analyzer string
	// AnalyzerName is the analyzer's metadata name (Metadata().Name), e.g. virtualservice.GatewayAnalyzer.
	AnalyzerName string
	// Codes are the message codes the analyzer can report (from its source).
	Codes []string
	// SkipAll is set for analyzers that are not registered in analyzers.All(): istioctl analyze never runs them.
	SkipAll  bool
	Expected []Message
}

// MessageTypes reads msg/messages.gen.go: message name -> code.
func MessageTypes(istioDir string) (map[string]string, error) {
	path := filepath.Join(istioDir, "pkg/config/analysis/msg/messages.gen.go")
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				call, ok := vs.Values[i].(*ast.CallExpr)
				if !ok || len(call.Args) < 2 {
					continue
				}
				if lit, ok := call.Args[1].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					code, _ := strconv.Unquote(lit.Value)
					out[n.Name] = code
				}
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no message types found", path)
	}
	return out, nil
}

// ReadTable parses analyzers_test.go of the istio.io/istio module at istioDir.
func ReadTable(istioDir string) ([]Case, error) {
	dir := filepath.Join(istioDir, "pkg/config/analysis/analyzers")
	path := filepath.Join(dir, "analyzers_test.go")
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, 0)
	if err != nil {
		return nil, err
	}
	types, err := MessageTypes(istioDir)
	if err != nil {
		return nil, err
	}
	imports := map[string]string{} // local package name -> import path
	for _, im := range f.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		name := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		imports[name] = p
	}
	var grid *ast.CompositeLit
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if len(vs.Names) == 1 && vs.Names[0].Name == "testGrid" && len(vs.Values) == 1 {
				grid, _ = vs.Values[0].(*ast.CompositeLit)
			}
		}
	}
	if grid == nil {
		return nil, fmt.Errorf("%s: no testGrid", path)
	}
	text := func(n ast.Node) string {
		return string(src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset])
	}
	str := func(e ast.Expr) (string, error) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return "", fmt.Errorf("%s: not a string literal: %s", fset.Position(e.Pos()), text(e))
		}
		return strconv.Unquote(lit.Value)
	}
	codes := newCodeReader(istioDir, imports, types)
	var cases []Case
	for _, el := range grid.Elts {
		cl, ok := el.(*ast.CompositeLit)
		if !ok {
			return nil, fmt.Errorf("%s: unexpected test case %s", fset.Position(el.Pos()), text(el))
		}
		var c Case
		var analyzerExpr ast.Expr
		for _, fe := range cl.Elts {
			kv, ok := fe.(*ast.KeyValueExpr)
			if !ok {
				return nil, fmt.Errorf("%s: unkeyed test case field", fset.Position(fe.Pos()))
			}
			key := kv.Key.(*ast.Ident).Name
			switch key {
			case "name":
				if c.Name, err = str(kv.Value); err != nil {
					return nil, err
				}
			case "inputFiles":
				for _, e := range kv.Value.(*ast.CompositeLit).Elts {
					s, err := str(e)
					if err != nil {
						return nil, err
					}
					c.InputFiles = append(c.InputFiles, filepath.Join(dir, s))
				}
			case "meshConfigFile", "meshNetworksFile":
				s, err := str(kv.Value)
				if err != nil {
					return nil, err
				}
				if key == "meshConfigFile" {
					c.MeshConfigFile = filepath.Join(dir, s)
				} else {
					c.MeshNetworksFile = filepath.Join(dir, s)
				}
			case "analyzer":
				analyzerExpr = kv.Value
				c.Analyzer = text(kv.Value)
			case "skipAll":
				c.SkipAll = text(kv.Value) == "true"
			case "expected":
				for _, e := range kv.Value.(*ast.CompositeLit).Elts {
					m, ok := e.(*ast.CompositeLit)
					if !ok || len(m.Elts) != 2 {
						return nil, fmt.Errorf("%s: unexpected message %s", fset.Position(e.Pos()), text(e))
					}
					sel, ok := m.Elts[0].(*ast.SelectorExpr)
					if !ok {
						return nil, fmt.Errorf("%s: unexpected message type %s", fset.Position(e.Pos()), text(m.Elts[0]))
					}
					origin, err := str(m.Elts[1])
					if err != nil {
						return nil, err
					}
					msg, err := parseOrigin(origin)
					if err != nil {
						return nil, fmt.Errorf("%s: %v", fset.Position(e.Pos()), err)
					}
					msg.Type = sel.Sel.Name
					if msg.Code = types[msg.Type]; msg.Code == "" {
						return nil, fmt.Errorf("%s: unknown message type %s", fset.Position(e.Pos()), msg.Type)
					}
					c.Expected = append(c.Expected, msg)
				}
			default:
				return nil, fmt.Errorf("%s: unknown test case field %q (the table's layout changed)", fset.Position(kv.Pos()), key)
			}
		}
		if analyzerExpr == nil {
			return nil, fmt.Errorf("case %q: no analyzer", c.Name)
		}
		if c.Codes, c.AnalyzerName, err = codes.analyzerCodes(analyzerExpr); err != nil {
			return nil, fmt.Errorf("case %q: %v", c.Name, err)
		}
		cases = append(cases, c)
	}
	// An analyzer's expected codes in any case are codes it reports (a message made by a shared helper
	// outside its package is found this way).
	byAnalyzer := map[string]map[string]bool{}
	for _, c := range cases {
		if byAnalyzer[c.Analyzer] == nil {
			byAnalyzer[c.Analyzer] = map[string]bool{}
		}
		for _, code := range c.Codes {
			byAnalyzer[c.Analyzer][code] = true
		}
		for _, m := range c.Expected {
			byAnalyzer[c.Analyzer][m.Code] = true
		}
	}
	for i := range cases {
		cases[i].Codes = sortedKeys(byAnalyzer[cases[i].Analyzer])
	}
	return cases, nil
}

// parseOrigin reads a resource's friendly name: "Kind name" or "Kind namespace/name".
func parseOrigin(s string) (Message, error) {
	kind, rest, ok := strings.Cut(s, " ")
	if !ok || rest == "" {
		return Message{}, fmt.Errorf("unexpected resource %q", s)
	}
	if ns, name, ok := strings.Cut(rest, "/"); ok {
		return Message{Kind: kind, Namespace: ns, Name: name}, nil
	}
	return Message{Kind: kind, Name: rest}, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// codeReader finds the message codes an analyzer reports: the msg.New<Type> calls in its methods and in the
// functions of its package they call (transitively).
type codeReader struct {
	istioDir string
	imports  map[string]string
	types    map[string]string
	pkgs     map[string]*pkgFuncs
}

type pkgFuncs struct {
	funcs   map[string]*ast.FuncDecl   // package-level functions
	methods map[string][]*ast.FuncDecl // methods by receiver type name
}

func newCodeReader(istioDir string, imports, types map[string]string) *codeReader {
	return &codeReader{istioDir: istioDir, imports: imports, types: types, pkgs: map[string]*pkgFuncs{}}
}

func (r *codeReader) pkg(importPath string) (*pkgFuncs, error) {
	if p := r.pkgs[importPath]; p != nil {
		return p, nil
	}
	dir := filepath.Join(r.istioDir, strings.TrimPrefix(importPath, "istio.io/istio/"))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	p := &pkgFuncs{funcs: map[string]*ast.FuncDecl{}, methods: map[string][]*ast.FuncDecl{}}
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if fd.Recv == nil {
				p.funcs[fd.Name.Name] = fd
				continue
			}
			t := fd.Recv.List[0].Type
			if s, ok := t.(*ast.StarExpr); ok {
				t = s.X
			}
			if id, ok := t.(*ast.Ident); ok {
				p.methods[id.Name] = append(p.methods[id.Name], fd)
			}
		}
	}
	r.pkgs[importPath] = p
	return p, nil
}

// analyzerCodes resolves `&pkg.Type{}` or `pkg.Func(...)` and collects the codes reachable from it, and the
// analyzer's metadata name (the Name its Metadata method returns; for a constructor, a string literal plus the
// kind of the collection it is given).
func (r *codeReader) analyzerCodes(e ast.Expr) ([]string, string, error) {
	codes, name, err := r.analyzerCodesAndName(e)
	if err == nil && name == "" {
		err = fmt.Errorf("no metadata name found")
	}
	return codes, name, err
}

func (r *codeReader) analyzerCodesAndName(e ast.Expr) ([]string, string, error) {
	var arg string
	var pkgName, typeName, funcName string
	switch x := e.(type) {
	case *ast.UnaryExpr:
		cl, ok := x.X.(*ast.CompositeLit)
		if !ok {
			return nil, "", fmt.Errorf("unexpected analyzer expression")
		}
		sel, ok := cl.Type.(*ast.SelectorExpr)
		if !ok {
			return nil, "", fmt.Errorf("unexpected analyzer type")
		}
		pkgName, typeName = sel.X.(*ast.Ident).Name, sel.Sel.Name
	case *ast.CallExpr:
		sel, ok := x.Fun.(*ast.SelectorExpr)
		if !ok {
			return nil, "", fmt.Errorf("unexpected analyzer constructor")
		}
		pkgName, funcName = sel.X.(*ast.Ident).Name, sel.Sel.Name
		if len(x.Args) == 1 {
			if a, ok := x.Args[0].(*ast.SelectorExpr); ok {
				arg = a.Sel.Name
			}
		}
	default:
		return nil, "", fmt.Errorf("unexpected analyzer expression")
	}
	importPath := r.imports[pkgName]
	if importPath == "" {
		return nil, "", fmt.Errorf("unknown package %s", pkgName)
	}
	p, err := r.pkg(importPath)
	if err != nil {
		return nil, "", err
	}
	var start []*ast.FuncDecl
	if typeName != "" {
		start = p.methods[typeName]
	} else {
		fd := p.funcs[funcName]
		if fd == nil {
			return nil, "", fmt.Errorf("no function %s in %s", funcName, importPath)
		}
		start = append(start, fd)
		// the analyzer type the constructor returns (&Type{...})
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if cl, ok := n.(*ast.CompositeLit); ok {
				if id, ok := cl.Type.(*ast.Ident); ok {
					start = append(start, p.methods[id.Name]...)
				}
			}
			return true
		})
		if fd.Type.Results != nil {
			for _, res := range fd.Type.Results.List {
				t := res.Type
				if s, ok := t.(*ast.StarExpr); ok {
					t = s.X
				}
				if id, ok := t.(*ast.Ident); ok {
					start = append(start, p.methods[id.Name]...)
				}
			}
		}
	}
	if len(start) == 0 {
		return nil, "", fmt.Errorf("no code found for %s in %s", typeName+funcName, importPath)
	}
	found := map[string]bool{}
	seen := map[*ast.FuncDecl]bool{}
	var walk func(fd *ast.FuncDecl)
	walk = func(fd *ast.FuncDecl) {
		if seen[fd] {
			return
		}
		seen[fd] = true
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := x.X.(*ast.Ident); ok && id.Name == "msg" && strings.HasPrefix(x.Sel.Name, "New") {
					if code := r.types[strings.TrimPrefix(x.Sel.Name, "New")]; code != "" {
						found[code] = true
					}
				}
			case *ast.Ident:
				if g := p.funcs[x.Name]; g != nil {
					walk(g)
				}
			}
			return true
		})
	}
	for _, fd := range start {
		walk(fd)
	}
	name := ""
	for _, fd := range start {
		if fd.Name.Name != "Metadata" {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			kv, ok := n.(*ast.KeyValueExpr)
			if !ok || name != "" {
				return name == ""
			}
			if k, ok := kv.Key.(*ast.Ident); !ok || k.Name != "Name" {
				return true
			}
			switch v := kv.Value.(type) {
			case *ast.BasicLit:
				name, _ = strconv.Unquote(v.Value)
			case *ast.BinaryExpr:
				if lit, ok := v.X.(*ast.BasicLit); ok && arg != "" {
					prefix, _ := strconv.Unquote(lit.Value)
					name = prefix + arg
				}
			}
			return false
		})
	}
	return sortedKeys(found), name, nil
}
