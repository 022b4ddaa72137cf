package main

import (
	"strings"
	"testing"
	"text/template"
)

// The expected texts are what Helm 3 renders for testdata/parent (written from Helm's documented
// semantics, not captured from this tool).
func TestRenderFollowsHelmSemantics(t *testing.T) {
	chart, err := loadChart("testdata/parent")
	if err != nil {
		t.Fatal(err)
	}
	override, err := readValues("testdata/override.yaml")
	if err != nil {
		t.Fatal(err)
	}
	values := merge(chart.Values, override)
	scopeSubchartValues(chart, values)
	top := map[string]interface{}{
		"Release": map[string]interface{}{"Name": "rel", "Namespace": "ns", "Service": "Helm"},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.29.0", "Major": "1", "Minor": "29"},
			"APIVersions": APIVersions{"v1", "monitoring.coreos.com/v1"},
		},
	}
	out, err := render(chart, values, top)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"parent/templates/out.yaml": `keep: base
drop: deleted
nested: {"a":1,"b":3,"c":4}
list: [9]
port: 9866
include: HELLO WORLD
tpl: base-parent
chart: parent-1.2.3-4.5
release: rel/ns
missing: ""
files: "one\ntwo"
lines: 2
glob: files/a.txt,files/b.txt,
api: true
kube: 29
child: child-override/child-override
fromYaml: [1,2]
toYaml: |
  a:
  - x
  b: 2
config:
  a.txt: |
    one
    two
  b.txt: |
    three`,
		// YAML 1.1 as in Helm: the parent's `yes` is the boolean true.
		"parent/charts/child/templates/child.yaml": `own: child-override
fromParent: true
region: eu
chart: child`,
	}
	if len(out) != len(want) {
		t.Errorf("rendered %d templates, want %d (partials, NOTES.txt and empty output are skipped): %v", len(out), len(want), keys(out))
	}
	for name, w := range want {
		if out[name] != w {
			t.Errorf("%s:\n--- got\n%s\n--- want\n%s", name, out[name], w)
		}
	}
}

func TestRequiredAndFailStopRendering(t *testing.T) {
	for text, msg := range map[string]string{
		`{{ required "x is required" .x }}`: "x is required",
		`{{ required "y is required" "" }}`: "y is required",
		`{{ fail "stop here" }}`:            "stop here",
		`{{ include "nope" . }}`:            `no template "nope"`,
	} {
		root := template.New("gotpl")
		root.Funcs(funcMap(root))
		tpl := template.Must(root.New("t").Parse(text))
		err := tpl.Execute(&strings.Builder{}, map[string]interface{}{})
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: error %v, want one containing %q", text, err, msg)
		}
	}
}

func TestHelmRemovesEnvFunctions(t *testing.T) {
	f := funcMap(template.New("x"))
	for _, name := range []string{"env", "expandenv"} {
		if _, ok := f[name]; ok {
			t.Errorf("%s must not be available: a chart renders the same on every machine", name)
		}
	}
}

func keys(m map[string]string) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}
