package templatecheck

import (
	"strings"
	"testing"
	"text/template"
)

var contract = Contract{
	Fields:               []string{"Values", "ObjectMeta", "DeploymentMeta"},
	DeploymentMetaFields: []string{"Name", "Namespace"},
	Functions:            []string{"annotation"},
	GatewayFields:        []string{"Values", "DeploymentName"},
	GatewayTemplates:     []string{"gw"},
}

func TestGatewayTemplatesUseTheControllersData(t *testing.T) {
	if got := Check("gw", `{{ .DeploymentName }}{{ .Values.x }}`, contract, template.FuncMap{}, nil); len(got) != 0 {
		t.Errorf("controller fields refused: %v", got)
	}
	if got := Check("gw", `{{ .ObjectMeta.Name }}`, contract, template.FuncMap{}, nil); len(got) != 1 {
		t.Errorf("a pod field in a controller template: got %v, want one problem", got)
	}
}

func TestCheck(t *testing.T) {
	features := map[string]any{"newField": false}
	cases := []struct {
		text string
		want []string // substrings, one per problem
	}{
		{`{{ .Values.x }}{{ .DeploymentMeta.Name }}`, nil},
		{`{{ .NativeSidecars }}`, []string{"field .NativeSidecars"}},
		{`{{ $.NativeSidecars }}`, []string{"field .NativeSidecars"}},
		{`{{ .DeploymentMeta.Labels }}`, []string{".DeploymentMeta.Labels"}},
		{`{{ $features := .Values.f }}{{ if $features.newField }}{{ .NativeSidecars }}{{ else }}{{ .Values.y }}{{ end }}`, nil},
		{`{{ $features := .Values.f }}{{ if $features.unknown }}{{ end }}`, []string{"switch $features.unknown"}},
		{`{{ with .Values.x }}{{ .NotAField }}{{ end }}`, nil},
		{`{{ range .Values.x }}{{ $.Missing }}{{ end }}`, []string{"field .Missing"}},
		{`{{ omitNil .Values }}`, []string{"function \"omitNil\" not defined"}},
		{`{{ annotation .ObjectMeta "a" "b" }}`, nil},
	}
	for _, c := range cases {
		got := Check("t", c.text, contract, template.FuncMap{}, features)
		if len(got) != len(c.want) {
			t.Errorf("%q: got %v, want %d problems", c.text, got, len(c.want))
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%q: problem %q lacks %q", c.text, got[i], w)
			}
		}
	}
}
