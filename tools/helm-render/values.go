package main

import (
	"fmt"
	"os"

	"sigs.k8s.io/yaml"
)

// merge returns base overlaid with override the way Helm coalesces values: maps merge key by key, any
// other value replaces, and an explicit null deletes the key (how a user removes a chart default).
func merge(base, override map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(base))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range override {
		if v == nil {
			delete(out, k)
			continue
		}
		bm, bok := out[k].(map[string]interface{})
		om, ook := v.(map[string]interface{})
		if bok && ook {
			out[k] = merge(bm, om)
		} else {
			out[k] = v
		}
	}
	return out
}

// readValues reads one -f file. Like Helm (which uses sigs.k8s.io/yaml too), numbers become float64.
func readValues(file string) (map[string]interface{}, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var v map[string]interface{}
	if err := yaml.Unmarshal(raw, &v); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return v, nil
}

// subchartValues scopes a parent's values to one subchart: the parent's key named after the subchart
// overrides the subchart's defaults, and the parent's `global` is shared.
func subchartValues(parent map[string]interface{}, sub *Chart) map[string]interface{} {
	own, _ := parent[sub.Name].(map[string]interface{})
	v := merge(sub.Values, own)
	if g, ok := parent["global"].(map[string]interface{}); ok {
		sg, _ := v["global"].(map[string]interface{})
		v["global"] = merge(sg, g)
	}
	return v
}

// scopeSubchartValues replaces each subchart's key in v with that subchart's effective values, recursively:
// what the subchart renders with, and what the parent reads as .Values.<subchart>, as in Helm.
func scopeSubchartValues(c *Chart, v map[string]interface{}) {
	for _, s := range c.Subcharts {
		sv := subchartValues(v, s)
		scopeSubchartValues(s, sv)
		v[s.Name] = sv
	}
}
