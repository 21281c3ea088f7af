package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

// maxIncludeDepth matches Helm's guard against templates that include themselves forever.
const maxIncludeDepth = 1000

// engine renders a chart's templates with the functions Helm adds to sprig.
type engine struct {
	root    *template.Template
	missing string // the missingkey option, which Clone drops (golang/go#43022)
	depth   int
	// cluster holds the objects lookup finds (none: as `helm template`, which reads no cluster).
	cluster []map[string]interface{}
}

func newEngine(c *chart, strict bool, cluster []map[string]interface{}) (*engine, error) {
	e := &engine{missing: "missingkey=zero", cluster: cluster}
	if strict {
		e.missing = "missingkey=error"
	}
	e.root = template.New("gotpl").Option(e.missing).Funcs(e.funcMap())
	for _, name := range c.sortedTemplateNames() {
		if _, err := e.root.New(name).Parse(c.templates[name]); err != nil {
			return nil, err
		}
	}
	return e, nil
}

func (e *engine) funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	// Helm removes these so a render cannot depend on the machine it runs on.
	delete(f, "env")
	delete(f, "expandenv")
	extra := template.FuncMap{
		"toYaml":        toYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"include":       e.include,
		"tpl":           e.tpl,
		"required":      required,
		"lookup":        e.lookup,
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

// lookup answers as Helm's does: the named object, or with an empty name a list of every match,
// and an empty map when nothing matches (always, without cluster objects).
func (e *engine) lookup(apiVersion, kind, namespace, name string) (map[string]interface{}, error) {
	var items []interface{}
	for _, object := range e.cluster {
		metadata, _ := object["metadata"].(map[string]interface{})
		if object["apiVersion"] != apiVersion || object["kind"] != kind || (namespace != "" && metadata["namespace"] != namespace) {
			continue
		}
		if name == "" {
			items = append(items, object)
		} else if metadata["name"] == name {
			return object, nil
		}
	}
	if name == "" && items != nil {
		return map[string]interface{}{"apiVersion": "v1", "kind": kind + "List", "items": items}, nil
	}
	return map[string]interface{}{}, nil
}

func (e *engine) include(name string, data interface{}) (string, error) {
	if e.depth >= maxIncludeDepth {
		return "", fmt.Errorf("rendering template has a nested reference name: %s", name)
	}
	e.depth++
	defer func() { e.depth-- }()
	var buf bytes.Buffer
	if err := e.root.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// tpl renders a string as a template that can use every named template of the chart.
func (e *engine) tpl(text string, data interface{}) (string, error) {
	t, err := e.root.Clone()
	if err != nil {
		return "", err
	}
	t.Option(e.missing)
	if _, err := t.New("tpl").Parse(text); err != nil {
		return "", fmt.Errorf("tpl: %w", err)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "tpl", data); err != nil {
		return "", fmt.Errorf("tpl: %w", err)
	}
	return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
}

func required(msg string, v interface{}) (interface{}, error) {
	if v == nil {
		return nil, fmt.Errorf("%s", msg)
	}
	if s, ok := v.(string); ok && s == "" {
		return nil, fmt.Errorf("%s", msg)
	}
	return v, nil
}

// The conversions below match Helm's: errors become an "Error" entry or an empty string
// instead of aborting, because charts test for them.
func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(s string) []interface{} {
	var a []interface{}
	if err := yaml.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(s string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(s string) []interface{} {
	var a []interface{}
	if err := json.Unmarshal([]byte(s), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

// renderedFile is the text one template produced.
type renderedFile struct {
	name string
	text string
}

// render executes every template that is not a partial (name starting with "_"). NOTES.txt is
// returned apart, as Helm prints it after install instead of applying it.
func (e *engine) render(c *chart, top map[string]interface{}) (out []renderedFile, notes string, err error) {
	for _, name := range c.sortedTemplateNames() {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") {
			continue
		}
		scope := make(map[string]interface{}, len(top)+1)
		for k, v := range top {
			scope[k] = v
		}
		scope["Template"] = map[string]interface{}{"Name": name, "BasePath": c.name + "/templates"}
		var buf bytes.Buffer
		if err := e.root.ExecuteTemplate(&buf, name, scope); err != nil {
			return nil, "", err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if base == "NOTES.txt" {
			notes = text
			continue
		}
		out = append(out, renderedFile{name: name, text: text})
	}
	return out, notes, nil
}
