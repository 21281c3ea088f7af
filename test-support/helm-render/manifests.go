package main

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// manifest is one rendered Kubernetes object and the template that produced it.
type manifest struct {
	Source string                 `json:"source"`
	Object map[string]interface{} `json:"object"`
	text   string
}

// docSeparator is the expression Helm's releaseutil.SplitManifests splits on.
var docSeparator = regexp.MustCompile(`(?:^|\s*\n)---\s*`)

var sourceComment = regexp.MustCompile(`(?m)^# Source: (.+)$`)

// installOrder is Helm's kind order for install; `helm template` prints in this order too.
var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
	"RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
}

// parseManifests splits rendered text into objects. Strict YAML parsing rejects duplicate keys,
// which the API server would otherwise resolve silently; every object must carry the fields
// Helm needs to track it.
func parseManifests(source, text string) ([]manifest, error) {
	var out []manifest
	for _, doc := range docSeparator.Split(text, -1) {
		if strings.TrimSpace(doc) == "" {
			continue
		}
		src := source
		if m := sourceComment.FindStringSubmatch(doc); m != nil {
			src = m[1]
		}
		var obj map[string]interface{}
		if err := yaml.UnmarshalStrict([]byte(doc), &obj); err != nil {
			return nil, fmt.Errorf("%s: invalid YAML: %w\n%s", src, err, doc)
		}
		if obj == nil {
			continue // only comments
		}
		meta, _ := obj["metadata"].(map[string]interface{})
		apiVersion, _ := obj["apiVersion"].(string)
		kind, _ := obj["kind"].(string)
		if apiVersion == "" || kind == "" || meta == nil || meta["name"] == nil {
			return nil, fmt.Errorf("%s: object without apiVersion, kind or metadata.name:\n%s", src, doc)
		}
		out = append(out, manifest{Source: src, Object: obj, text: strings.TrimSpace(sourceComment.ReplaceAllString(doc, ""))})
	}
	return out, nil
}

func kindRank(kind string) int {
	for i, k := range installOrder {
		if k == kind {
			return i
		}
	}
	return len(installOrder)
}

func sortInstallOrder(ms []manifest) {
	sort.SliceStable(ms, func(i, j int) bool {
		return kindRank(ms[i].Object["kind"].(string)) < kindRank(ms[j].Object["kind"].(string))
	})
}

// yamlStream prints manifests the way `helm template` does.
func yamlStream(ms []manifest) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", m.Source, m.text)
	}
	return b.String()
}
