package main

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/Masterminds/semver"
	"sigs.k8s.io/yaml"
)

// chart is a chart directory as Helm loads it: metadata, default values, templates and the
// remaining files that templates reach through .Files.
type chart struct {
	name      string
	metadata  map[string]interface{} // keys as templates see them: .Chart.Name, .Chart.AppVersion...
	values    valueMap
	templates map[string]string // "<chart>/templates/x.yaml" -> source
	files     files
}

// specialFiles are chart files Helm consumes itself and keeps out of .Files.
var specialFiles = map[string]bool{"Chart.yaml": true, "Chart.lock": true, "values.yaml": true, "values.schema.json": true}

func loadChart(dir string) (*chart, error) {
	meta, err := readChartYAML(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	name, _ := meta["Name"].(string)
	values, err := readValuesFile(filepath.Join(dir, "values.yaml"))
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	if values == nil {
		values = valueMap{}
	}
	ignore, err := readHelmignore(filepath.Join(dir, ".helmignore"))
	if err != nil {
		return nil, err
	}
	c := &chart{name: name, metadata: meta, values: values, templates: map[string]string{}, files: files{}}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, walkErr error) error {
		if walkErr != nil {
			return walkErr
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if ignore.matches(rel, d.IsDir()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if rel == "charts" {
				return fmt.Errorf("%s: subcharts are not supported by this renderer", p)
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(rel, "templates/"):
			c.templates[name+"/"+rel] = string(data)
		case !specialFiles[rel]:
			c.files[rel] = data
		}
		return nil
	})
	return c, err
}

// readChartYAML applies the checks `helm lint` makes on Chart.yaml and renames the keys to the
// capitalised field names templates use (apiVersion -> APIVersion, appVersion -> AppVersion).
func readChartYAML(p string) (map[string]interface{}, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	raw := map[string]interface{}{}
	if err := yaml.UnmarshalStrict(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if raw["apiVersion"] != "v2" {
		return nil, fmt.Errorf("%s: apiVersion must be v2", p)
	}
	if name, _ := raw["name"].(string); name == "" {
		return nil, fmt.Errorf("%s: name is required", p)
	}
	version, _ := raw["version"].(string)
	if _, err := semver.StrictNewVersion(version); err != nil {
		return nil, fmt.Errorf("%s: version %q is not strict SemVer 2", p, version)
	}
	meta := map[string]interface{}{}
	for k, v := range raw {
		if k == "apiVersion" {
			k = "APIVersion"
		}
		meta[strings.ToUpper(k[:1])+k[1:]] = v
	}
	return meta, nil
}

// checkKubeVersion enforces Chart.yaml's kubeVersion constraint as `helm template` does.
func (c *chart) checkKubeVersion(kube string) error {
	constraint, _ := c.metadata["KubeVersion"].(string)
	if constraint == "" {
		return nil
	}
	con, err := semver.NewConstraint(constraint)
	if err != nil {
		return fmt.Errorf("Chart.yaml kubeVersion %q: %w", constraint, err)
	}
	v, err := semver.NewVersion(kube)
	if err != nil {
		return fmt.Errorf("--kube-version %q: %w", kube, err)
	}
	if !con.Check(v) {
		// Helm prints .Capabilities.KubeVersion, which always carries the "v" prefix.
		return fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes v%s", constraint, v.String())
	}
	return nil
}

// helmignore holds .helmignore patterns: shell globs matched against the base name or the
// relative path, a trailing slash restricting a pattern to directories, "!" negating.
type helmignore []string

func readHelmignore(p string) (helmignore, error) {
	data, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rules helmignore
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			rules = append(rules, line)
		}
	}
	return rules, nil
}

func (h helmignore) matches(rel string, isDir bool) bool {
	ignored := false
	for _, rule := range h {
		negate := strings.HasPrefix(rule, "!")
		pattern := strings.TrimPrefix(rule, "!")
		if strings.HasSuffix(pattern, "/") {
			if !isDir {
				continue
			}
			pattern = strings.TrimSuffix(pattern, "/")
		}
		pattern = strings.TrimPrefix(pattern, "/")
		baseHit, _ := path.Match(pattern, path.Base(rel))
		pathHit, _ := path.Match(pattern, rel)
		if baseHit || pathHit {
			ignored = !negate
		}
	}
	return ignored
}

// sortedTemplateNames gives a stable rendering order (Helm sorts templates by name too).
func (c *chart) sortedTemplateNames() []string {
	names := make([]string, 0, len(c.templates))
	for n := range c.templates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
