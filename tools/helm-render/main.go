// helm-render renders a Helm chart the way `helm template` does, for the subset of Helm the project's
// chart uses (see README.md). It exists because no helm binary can be installed on the project's machines,
// while Go and sprig (Helm's template library) are Debian packages.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
	"text/template"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// APIVersions is .Capabilities.APIVersions.
type APIVersions []string

func (a APIVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

func main() {
	var valueFiles, apiVersions listFlag
	release := flag.String("release-name", "release-name", "release name (.Release.Name)")
	namespace := flag.String("namespace", "default", "release namespace (.Release.Namespace)")
	kubeVersion := flag.String("kube-version", "v1.29.0", "Kubernetes version for .Capabilities.KubeVersion")
	valuesOut := flag.String("values-out", "", "also write the merged values to this file, as JSON (what Helm validates against values.schema.json)")
	flag.Var(&valueFiles, "f", "values file, repeatable; later files win")
	flag.Var(&apiVersions, "api-versions", "API version for .Capabilities.APIVersions, repeatable (e.g. monitoring.coreos.com/v1)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: helm-render [flags] CHART_DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *release, *namespace, *kubeVersion, *valuesOut, valueFiles, apiVersions); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run(dir, release, namespace, kubeVersion, valuesOut string, valueFiles, apiVersions []string) error {
	chart, err := loadChart(dir)
	if err != nil {
		return err
	}
	values := chart.Values
	for _, f := range valueFiles {
		v, err := readValues(f)
		if err != nil {
			return err
		}
		values = merge(values, v)
	}
	scopeSubchartValues(chart, values)
	if valuesOut != "" {
		// Written before rendering, so values that make the chart fail can still be checked against the schema.
		b, _ := json.MarshalIndent(values, "", "  ")
		if err := os.WriteFile(valuesOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	major, minor := splitVersion(kubeVersion)
	top := map[string]interface{}{
		"Release": map[string]interface{}{"Name": release, "Namespace": namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": kubeVersion, "GitVersion": kubeVersion, "Major": major, "Minor": minor},
			"APIVersions": APIVersions(append([]string{"v1", "apps/v1"}, apiVersions...)),
		},
	}
	out, err := render(chart, values, top)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Printf("---\n# Source: %s\n%s\n", n, out[n])
	}
	return nil
}

// render parses every template of the chart and its subcharts into one set (so named templates are
// shared, as in Helm) and executes each non-partial template with its own chart's context. values must
// already hold each subchart's effective values under its name (scopeSubchartValues).
func render(chart *Chart, values, top map[string]interface{}) (map[string]string, error) {
	root := template.New("gotpl").Option("missingkey=zero")
	root.Funcs(funcMap(root))
	contexts := map[string]map[string]interface{}{}
	// add registers a chart's templates and returns its context, which its parent sees in .Subcharts.
	var add func(c *Chart, v map[string]interface{}, prefix string) (map[string]interface{}, error)
	add = func(c *Chart, v map[string]interface{}, prefix string) (map[string]interface{}, error) {
		base := path.Join(prefix, c.Name)
		subcharts := map[string]interface{}{}
		for _, s := range c.Subcharts {
			ctx, err := add(s, v[s.Name].(map[string]interface{}), path.Join(base, "charts"))
			if err != nil {
				return nil, err
			}
			subcharts[s.Name] = ctx
		}
		chartCtx := map[string]interface{}{"Values": v, "Chart": c.Meta, "Files": c.Files,
			"Release": top["Release"], "Capabilities": top["Capabilities"], "Subcharts": subcharts}
		for rel, text := range c.Templates {
			name := path.Join(base, rel)
			if _, err := root.New(name).Parse(text); err != nil {
				return nil, err
			}
			ctx := map[string]interface{}{"Template": map[string]interface{}{"Name": name, "BasePath": path.Join(base, "templates")}}
			for k, x := range chartCtx {
				ctx[k] = x
			}
			contexts[name] = ctx
		}
		return chartCtx, nil
	}
	if _, err := add(chart, values, ""); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for name, ctx := range contexts {
		b := path.Base(name)
		if strings.HasPrefix(b, "_") || b == "NOTES.txt" {
			continue
		}
		var s strings.Builder
		if err := root.ExecuteTemplate(&s, name, ctx); err != nil {
			return nil, err
		}
		// missingkey=zero prints "<no value>" for absent map keys; Helm blanks it.
		if text := strings.ReplaceAll(s.String(), "<no value>", ""); strings.TrimSpace(text) != "" {
			out[name] = strings.TrimSpace(text)
		}
	}
	return out, nil
}

func splitVersion(v string) (string, string) {
	parts := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 3)
	if len(parts) < 2 {
		return parts[0], "0"
	}
	return parts[0], parts[1]
}
