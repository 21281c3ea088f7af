package main

import (
	"encoding/base64"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/Masterminds/semver"
)

// files is .Files: the chart's non-template files, with Helm's accessor methods.
type files map[string][]byte

func (f files) Get(name string) string      { return string(f[name]) }
func (f files) GetBytes(name string) []byte { return f[name] }

// Glob uses path.Match, so unlike Helm's gobwas/glob it has no "**".
func (f files) Glob(pattern string) files {
	out := files{}
	for name, data := range f {
		if ok, _ := path.Match(pattern, name); ok {
			out[name] = data
		}
	}
	return out
}

func (f files) Lines(name string) []string {
	s := string(f[name])
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// AsConfig and AsSecrets render the files as ConfigMap data / Secret data, keyed by base name.
func (f files) AsConfig() string {
	return f.asMap(func(b []byte) string { return string(b) })
}

func (f files) AsSecrets() string {
	return f.asMap(func(b []byte) string { return base64.StdEncoding.EncodeToString(b) })
}

func (f files) asMap(encode func([]byte) string) string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	sort.Strings(names)
	m := map[string]interface{}{}
	for _, n := range names {
		m[path.Base(n)] = encode(f[n])
	}
	return toYAML(m)
}

// kubeVersion is .Capabilities.KubeVersion.
type kubeVersion struct {
	Version    string
	Major      string
	Minor      string
	GitVersion string
}

func (k kubeVersion) String() string { return k.Version }

func newKubeVersion(v string) (kubeVersion, error) {
	sv, err := semver.NewVersion(v)
	if err != nil {
		return kubeVersion{}, err
	}
	full := "v" + sv.String()
	return kubeVersion{Version: full, GitVersion: full, Major: strconv.FormatUint(sv.Major(), 10), Minor: strconv.FormatUint(sv.Minor(), 10)}, nil
}

// apiVersions is .Capabilities.APIVersions; Has accepts "group/version" or "group/version/Kind".
type apiVersions []string

func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

// builtinAPIVersions are the group/versions every supported cluster serves; --api-versions adds
// the rest (CRDs such as monitoring.coreos.com/v1), as with `helm template`.
var builtinAPIVersions = []string{
	"v1", "apps/v1", "autoscaling/v2", "batch/v1", "policy/v1",
	"networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "apiextensions.k8s.io/v1",
}

type capabilities struct {
	KubeVersion kubeVersion
	APIVersions apiVersions
	HelmVersion map[string]string
}
