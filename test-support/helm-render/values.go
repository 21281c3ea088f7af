package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

type valueMap = map[string]interface{}

// readValuesFile parses a values file the way Helm does (sigs.k8s.io/yaml, so numbers become
// float64); an empty file is an empty map, not an error.
func readValuesFile(path string) (valueMap, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := valueMap{}
	if err := yaml.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// mergeMaps is Helm's merge of successive -f files: later files win, maps merge key by key.
func mergeMaps(a, b valueMap) valueMap {
	out := make(valueMap, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(valueMap); ok {
			if am, ok := out[k].(valueMap); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// coalesce lays user values over the chart defaults as Helm's CoalesceValues does: maps merge
// recursively, a user null deletes the default, any other user value replaces it.
func coalesce(user, defaults valueMap) valueMap {
	out := make(valueMap, len(user)+len(defaults))
	for k, v := range user {
		out[k] = v
	}
	for k, dv := range defaults {
		uv, present := out[k]
		switch {
		case !present:
			out[k] = dv
		case uv == nil:
			delete(out, k)
		default:
			um, uok := uv.(valueMap)
			dm, dok := dv.(valueMap)
			if uok && dok {
				out[k] = coalesce(um, dm)
			}
		}
	}
	return out
}

// pathSegment is one step of a --set key: a map key, or a list index when isIndex is set.
type pathSegment struct {
	key     string
	index   int
	isIndex bool
}

// applySet parses one --set (typed) or --set-string argument into dst, following Helm's strvals
// syntax: comma-separated key=value pairs, dotted keys, name[i] list indexes, {a,b} lists,
// backslash escapes; typed values turn true/false/null and integers into their types.
func applySet(dst valueMap, arg string, typed bool) error {
	for _, pair := range splitUnescaped(arg, ',', true) {
		if pair == "" {
			continue
		}
		eq := indexUnescaped(pair, '=')
		if eq < 0 {
			return fmt.Errorf("--set %q: key %q has no value", arg, pair)
		}
		path, err := parseKey(pair[:eq])
		if err != nil {
			return fmt.Errorf("--set %q: %w", arg, err)
		}
		raw := pair[eq+1:]
		var value interface{}
		if strings.HasPrefix(raw, "{") && strings.HasSuffix(raw, "}") {
			items := []interface{}{}
			for _, item := range splitUnescaped(raw[1:len(raw)-1], ',', false) {
				items = append(items, typedValue(unescape(item), typed))
			}
			value = items
		} else {
			value = typedValue(unescape(raw), typed)
		}
		// dst is a map, so setPath fills it in place.
		if _, err := setPath(dst, path, value); err != nil {
			return fmt.Errorf("--set %q: %w", arg, err)
		}
	}
	return nil
}

// typedValue mirrors strvals.typedVal: leading-zero numbers stay strings (think "0755", zip codes).
func typedValue(v string, typed bool) interface{} {
	if !typed {
		return v
	}
	switch strings.ToLower(v) {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	case "0":
		return int64(0)
	}
	if v != "" && v[0] != '0' {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
	}
	return v
}

func parseKey(key string) ([]pathSegment, error) {
	var path []pathSegment
	for _, part := range splitUnescaped(key, '.', false) {
		name := part
		var indexes []int
		for strings.HasSuffix(name, "]") {
			open := strings.LastIndex(name, "[")
			if open < 0 {
				return nil, fmt.Errorf("key %q: unmatched ]", key)
			}
			n, err := strconv.Atoi(name[open+1 : len(name)-1])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("key %q: bad list index", key)
			}
			indexes = append([]int{n}, indexes...)
			name = name[:open]
		}
		if name == "" {
			return nil, fmt.Errorf("key %q: empty name", key)
		}
		path = append(path, pathSegment{key: unescape(name)})
		for _, n := range indexes {
			path = append(path, pathSegment{index: n, isIndex: true})
		}
	}
	return path, nil
}

// setPath returns node with value stored at path, creating maps and padding lists on the way.
func setPath(node interface{}, path []pathSegment, value interface{}) (interface{}, error) {
	if len(path) == 0 {
		return value, nil
	}
	seg := path[0]
	if seg.isIndex {
		list, _ := node.([]interface{})
		for len(list) <= seg.index {
			list = append(list, nil)
		}
		child, err := setPath(list[seg.index], path[1:], value)
		if err != nil {
			return nil, err
		}
		list[seg.index] = child
		return list, nil
	}
	m, ok := node.(valueMap)
	if !ok {
		m = valueMap{}
	}
	child, err := setPath(m[seg.key], path[1:], value)
	if err != nil {
		return nil, err
	}
	m[seg.key] = child
	return m, nil
}

// splitUnescaped splits s on sep, ignoring escaped separators and, when braces is set,
// separators inside {...} list literals.
func splitUnescaped(s string, sep byte, braces bool) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
		case braces && c == '{':
			depth++
		case braces && c == '}' && depth > 0:
			depth--
		case c == sep && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

func indexUnescaped(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
		} else if s[i] == c {
			return i
		}
	}
	return -1
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
