package process

import (
	"fmt"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/value"
)

// arguments turns the provider's "arguments" into the program's argv
// after argv[0].
func arguments(raw any) ([]string, error) {
	switch t := raw.(type) {
	case nil:
		return nil, nil
	case string:
		return splitArgs(t)
	case []any:
		return listArgs(t), nil
	case *value.Object:
		return objectArgs(t), nil
	}
	return nil, fmt.Errorf("process arguments must be a list or a string, not %s", value.TypeName(raw))
}

// listArgs formats items as chaoslib does: str(p) for each p not in
// (None, "").
func listArgs(items []any) []string {
	args := make([]string, 0, len(items))
	for _, item := range items {
		if item == nil || item == "" {
			continue
		}
		args = append(args, experiment.PyStr(item))
	}
	return args
}

// objectArgs flattens the deprecated object form into key, value pairs,
// then filters and formats them like a list.
func objectArgs(o *value.Object) []string {
	items := make([]any, 0, 2*o.Len())
	for _, k := range o.Keys() {
		v, _ := o.Get(k)
		items = append(items, k, v)
	}
	return listArgs(items)
}
