package api

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Validate checks a decoded JSON value (from encoding/json into any) against a schema of
// the document: types, required and unknown properties, enums, nullability, bounds and
// date formats. It is the small validator the API tests use to prove that responses
// match the OpenAPI document.
func Validate(doc map[string]any, schema map[string]any, v any) error {
	return validate(doc, schema, v, "$")
}

func resolve(doc map[string]any, s map[string]any) (map[string]any, error) {
	for {
		r, ok := s["$ref"].(string)
		if !ok {
			return s, nil
		}
		name := strings.TrimPrefix(r, "#/components/schemas/")
		comp := doc["components"].(map[string]any)["schemas"].(map[string]any)
		next, ok := comp[name].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("unknown schema %s", r)
		}
		s = next
	}
}

func validate(doc map[string]any, s map[string]any, v any, path string) error {
	s, err := resolve(doc, s)
	if err != nil {
		return err
	}
	if v == nil {
		if s["nullable"] == true {
			return nil
		}
		return fmt.Errorf("%s: null is not allowed", path)
	}
	if enum, ok := s["enum"].([]string); ok {
		str, _ := v.(string)
		found := false
		for _, e := range enum {
			found = found || e == str
		}
		if !found {
			return fmt.Errorf("%s: %v is not one of %v", path, v, enum)
		}
	}
	switch s["type"] {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: object expected, got %T", path, v)
		}
		props, _ := s["properties"].(map[string]any)
		if req, ok := s["required"].([]string); ok {
			for _, k := range req {
				if _, ok := m[k]; !ok {
					return fmt.Errorf("%s: property %q is required", path, k)
				}
			}
		}
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if ps, ok := props[k].(map[string]any); ok {
				if err := validate(doc, ps, m[k], path+"."+k); err != nil {
					return err
				}
				continue
			}
			switch ap := s["additionalProperties"].(type) {
			case bool:
				if !ap {
					return fmt.Errorf("%s: property %q is not in the schema", path, k)
				}
			case map[string]any:
				if err := validate(doc, ap, m[k], path+"."+k); err != nil {
					return err
				}
			}
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: array expected, got %T", path, v)
		}
		items, _ := s["items"].(map[string]any)
		for i, x := range a {
			if err := validate(doc, items, x, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s: string expected, got %T", path, v)
		}
		switch s["format"] {
		case "date-time":
			if _, err := time.Parse(time.RFC3339, str); err != nil {
				return fmt.Errorf("%s: %q is not a date-time", path, str)
			}
		case "date":
			if _, err := time.Parse("2006-01-02", str); err != nil {
				return fmt.Errorf("%s: %q is not a date", path, str)
			}
		}
	case "integer":
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			return fmt.Errorf("%s: integer expected, got %v", path, v)
		}
		if min, ok := s["minimum"].(int); ok && f < float64(min) {
			return fmt.Errorf("%s: %v is below %d", path, f, min)
		}
		if max, ok := s["maximum"].(int); ok && f > float64(max) {
			return fmt.Errorf("%s: %v is above %d", path, f, max)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return fmt.Errorf("%s: boolean expected, got %T", path, v)
		}
	}
	return nil
}
