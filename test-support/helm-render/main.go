// Command helm-render is a small stand-in for `helm template`, used by the tests where Helm is
// not installed. It renders a chart with Helm's value merging, built-in objects and template
// functions, parses every document as YAML and prints the result as YAML or as JSON.
//
//	helm-render template [NAME] CHART [-f FILE]... [--set K=V]... [--set-string K=V]...
//	    [-n NAMESPACE] [--kube-version V] [--api-versions GROUP/VERSION]... [--is-upgrade]
//	    [--strict] [-o yaml|json]
//	helm-render values CHART [-f FILE]... [--set K=V]... [--set-string K=V]...
//	helm-render yaml2json < helm-template-output.yaml
//
// JSON output is {"manifests":[{"source","object"}],"notes","values"}; `values` prints only the
// merged values (what Helm checks against values.schema.json); yaml2json turns the output of a
// real `helm template` into the same shape (manifests only).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

type options struct {
	release     string
	chartDir    string
	namespace   string
	valuesFiles []string
	sets        []setArg
	kubeVersion string
	apiVersions []string
	isUpgrade   bool
	strict      bool
	output      string
	// clusterObjects names a JSON array of objects that lookup answers from (test-only: Helm
	// reads a live cluster instead, and `helm template` none).
	clusterObjects string
}

type setArg struct {
	expr  string
	typed bool
}

type result struct {
	Manifests []manifest `json:"manifests"`
	Notes     string     `json:"notes,omitempty"`
	Values    valueMap   `json:"values,omitempty"`
}

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: helm-render template|values [NAME] CHART [flags] | helm-render yaml2json")
	}
	switch args[0] {
	case "template":
		opts, err := parseArgs(args[1:])
		if err != nil {
			return err
		}
		res, err := renderChart(opts)
		if err != nil {
			return err
		}
		if opts.output == "json" {
			return json.NewEncoder(stdout).Encode(res)
		}
		_, err = io.WriteString(stdout, yamlStream(res.Manifests))
		return err
	case "values":
		opts, err := parseArgs(args[1:])
		if err != nil {
			return err
		}
		_, values, err := loadWithValues(opts)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(values)
	case "yaml2json":
		data, err := io.ReadAll(stdin)
		if err != nil {
			return err
		}
		ms, err := parseManifests("stdin", string(data))
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(result{Manifests: ms})
	}
	return fmt.Errorf("unknown command %q", args[0])
}

var takesValue = map[string]bool{"-f": true, "--values": true, "--set": true, "--set-string": true,
	"-n": true, "--namespace": true, "--kube-version": true, "--api-versions": true, "-a": true,
	"-o": true, "--output": true, "--cluster-objects": true}

func parseArgs(args []string) (options, error) {
	opts := options{release: "release-name", namespace: "default", kubeVersion: "1.30.0", output: "yaml"}
	var positional []string
	for i := 0; i < len(args); i++ {
		flag, value, inline := strings.Cut(args[i], "=")
		if takesValue[flag] && !inline {
			if i+1 >= len(args) {
				return opts, fmt.Errorf("flag %s needs a value", flag)
			}
			i++
			value = args[i]
		}
		switch flag {
		case "-f", "--values":
			opts.valuesFiles = append(opts.valuesFiles, value)
		case "--set":
			opts.sets = append(opts.sets, setArg{expr: value, typed: true})
		case "--set-string":
			opts.sets = append(opts.sets, setArg{expr: value, typed: false})
		case "-n", "--namespace":
			opts.namespace = value
		case "--kube-version":
			opts.kubeVersion = value
		case "-a", "--api-versions":
			opts.apiVersions = append(opts.apiVersions, value)
		case "-o", "--output":
			if value != "yaml" && value != "json" {
				return opts, fmt.Errorf("--output must be yaml or json")
			}
			opts.output = value
		case "--is-upgrade":
			opts.isUpgrade = true
		case "--strict":
			opts.strict = true
		case "--cluster-objects":
			opts.clusterObjects = value
		default:
			if strings.HasPrefix(args[i], "-") {
				return opts, fmt.Errorf("unknown flag %s", args[i])
			}
			positional = append(positional, args[i])
		}
	}
	switch len(positional) {
	case 1:
		opts.chartDir = positional[0]
	case 2:
		opts.release, opts.chartDir = positional[0], positional[1]
	default:
		return opts, fmt.Errorf("expected [NAME] CHART, got %q", positional)
	}
	return opts, nil
}

// userValues merges -f files in order, then applies --set flags, as `helm template` does.
func userValues(opts options) (valueMap, error) {
	vals := valueMap{}
	for _, f := range opts.valuesFiles {
		fv, err := readValuesFile(f)
		if err != nil {
			return nil, err
		}
		vals = mergeMaps(vals, fv)
	}
	for _, s := range opts.sets {
		if err := applySet(vals, s.expr, s.typed); err != nil {
			return nil, err
		}
	}
	return vals, nil
}

// loadWithValues loads the chart and lays the user's values over its defaults.
func loadWithValues(opts options) (*chart, valueMap, error) {
	c, err := loadChart(opts.chartDir)
	if err != nil {
		return nil, nil, err
	}
	user, err := userValues(opts)
	if err != nil {
		return nil, nil, err
	}
	return c, coalesce(user, c.values), nil
}

func renderChart(opts options) (result, error) {
	c, values, err := loadWithValues(opts)
	if err != nil {
		return result{}, err
	}
	if err := c.checkKubeVersion(opts.kubeVersion); err != nil {
		return result{}, err
	}
	kube, err := newKubeVersion(opts.kubeVersion)
	if err != nil {
		return result{}, err
	}
	top := map[string]interface{}{
		"Values": values,
		"Chart":  c.metadata,
		"Files":  c.files,
		"Release": map[string]interface{}{
			"Name": opts.release, "Namespace": opts.namespace, "Service": "Helm",
			"IsInstall": !opts.isUpgrade, "IsUpgrade": opts.isUpgrade, "Revision": 1,
		},
		"Capabilities": capabilities{
			KubeVersion: kube,
			APIVersions: append(append(apiVersions{}, builtinAPIVersions...), opts.apiVersions...),
			HelmVersion: map[string]string{"Version": "v3.16.0"},
		},
	}
	cluster, err := readClusterObjects(opts.clusterObjects)
	if err != nil {
		return result{}, err
	}
	e, err := newEngine(c, opts.strict, cluster)
	if err != nil {
		return result{}, err
	}
	rendered, notes, err := e.render(c, top)
	if err != nil {
		return result{}, err
	}
	var all []manifest
	for _, r := range rendered {
		ms, err := parseManifests(r.name, r.text)
		if err != nil {
			return result{}, err
		}
		all = append(all, ms...)
	}
	sortInstallOrder(all)
	return result{Manifests: all, Notes: notes, Values: values}, nil
}

// readClusterObjects loads the objects lookup may find; none without a file, as `helm template`.
func readClusterObjects(file string) ([]map[string]interface{}, error) {
	if file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var objects []map[string]interface{}
	if err := json.Unmarshal(data, &objects); err != nil {
		return nil, fmt.Errorf("--cluster-objects %s: %w", file, err)
	}
	return objects, nil
}
