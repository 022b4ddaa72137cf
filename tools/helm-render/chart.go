package main

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"sigs.k8s.io/yaml"
)

// Chart is an unpacked chart directory as Helm loads it: metadata, default values, templates, the other
// files (.Files), and the subcharts found in charts/.
type Chart struct {
	Name      string
	Meta      map[string]interface{} // Chart.yaml with Helm's field names (Name, Version, AppVersion, ...)
	Values    map[string]interface{}
	Templates map[string]string // path inside the chart ("templates/x.yaml") -> text
	Files     Files
	Subcharts []*Chart
}

// Helm keeps these out of .Files; everything else outside templates/ and charts/ is readable there.
var notFiles = map[string]bool{"Chart.yaml": true, "Chart.lock": true, "values.yaml": true, "values.schema.json": true}

func loadChart(dir string) (*Chart, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	var meta map[string]interface{}
	if err := yaml.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("%s/Chart.yaml: %w", dir, err)
	}
	if meta["apiVersion"] != "v2" {
		return nil, fmt.Errorf("%s/Chart.yaml: apiVersion must be v2", dir)
	}
	name, _ := meta["name"].(string)
	if name == "" {
		return nil, fmt.Errorf("%s/Chart.yaml: name is required", dir)
	}
	c := &Chart{Name: name, Meta: map[string]interface{}{}, Values: map[string]interface{}{},
		Templates: map[string]string{}, Files: Files{}}
	// .Chart exposes Chart.yaml's fields with an upper-case first letter, as Helm's Metadata struct does.
	for k, v := range meta {
		r := []rune(k)
		r[0] = unicode.ToUpper(r[0])
		c.Meta[string(r)] = v
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "values.yaml")); err == nil {
		if err := yaml.Unmarshal(raw, &c.Values); err != nil {
			return nil, fmt.Errorf("%s/values.yaml: %w", dir, err)
		}
		if c.Values == nil {
			c.Values = map[string]interface{}{}
		}
	}
	err = walk(dir, "", func(rel string) error {
		if strings.HasPrefix(rel, "charts/") || notFiles[rel] {
			return nil
		}
		data, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "templates/") {
			c.Templates[rel] = string(data)
		} else {
			c.Files[rel] = data
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	subdirs, _ := os.ReadDir(filepath.Join(dir, "charts"))
	for _, e := range subdirs {
		sub := filepath.Join(dir, "charts", e.Name())
		if st, err := os.Stat(sub); err == nil && st.IsDir() { // follows symlinked subcharts
			s, err := loadChart(sub)
			if err != nil {
				return nil, err
			}
			c.Subcharts = append(c.Subcharts, s)
		}
	}
	return c, nil
}

// walk lists regular files under dir (following symlinks, as Helm's loader does) as slash paths.
func walk(dir, rel string, fn func(string) error) error {
	entries, err := os.ReadDir(filepath.Join(dir, rel))
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := path.Join(rel, e.Name())
		st, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			return err
		}
		if st.IsDir() {
			if p == "charts" {
				continue
			}
			if err := walk(dir, p, fn); err != nil {
				return err
			}
		} else if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// Files is .Files: the chart's non-template files by slash path.
type Files map[string][]byte

func (f Files) Get(name string) string      { return string(f[name]) }
func (f Files) GetBytes(name string) []byte { return f[name] }

// Glob keeps the files whose path matches pattern (path.Match syntax; Helm's '**' is not supported).
func (f Files) Glob(pattern string) Files {
	out := Files{}
	for k, v := range f {
		if ok, _ := path.Match(pattern, k); ok {
			out[k] = v
		}
	}
	return out
}

func (f Files) Lines(name string) []string {
	s := strings.TrimSuffix(string(f[name]), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// AsConfig renders the files as ConfigMap data: base name -> content, in YAML.
func (f Files) AsConfig() string {
	m := map[string]string{}
	for _, k := range f.sorted() {
		m[path.Base(k)] = string(f[k])
	}
	return toYaml(m)
}

// AsSecrets renders the files as Secret data: base name -> base64 content, in YAML.
func (f Files) AsSecrets() string {
	m := map[string][]byte{}
	for _, k := range f.sorted() {
		m[path.Base(k)] = f[k] // []byte marshals as base64
	}
	return toYaml(m)
}

func (f Files) sorted() []string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
