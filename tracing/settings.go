package tracing

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/value"
)

// setting names one configuration item: its key in the control's
// arguments and its keys in the experiment's configuration, as the Python
// chaostracing.control reads them.
type setting struct {
	arg string
	cfg []string
}

// The settings, in the Python extension's spelling (its "oltp" typo
// included in the exporter values, see legacy.go).
var (
	setProvider      = setting{"provider", []string{"tracing_provider"}}
	setHost          = setting{"host", []string{"tracing_host"}}
	setPort          = setting{"port", []string{"tracing_port"}}
	setPropagation   = setting{"propagation", []string{"tracing_propagation"}}
	setBaggagePrefix = setting{"baggage_prefix", []string{"baggage_prefix", "tracing_opentelemetry_baggage_prefix"}}
	setIDName        = setting{"id_name", []string{"tracing_id_name"}}
	setExporter      = setting{"exporter", []string{"tracing_opentelemetry_exporter"}}
	setEndpoint      = setting{"collector_endpoint", []string{"tracing_opentelemetry_collector_endpoint"}}
	setHeaders       = setting{"collector_headers", []string{"tracing_opentelemetry_collector_headers"}}
	setInsecure      = setting{"collector_insecure", []string{"tracing_opentelemetry_collector_endpoint_insecure"}}
	setFlushTimeout  = setting{"flush_timeout", []string{"tracing_flush_timeout"}}
	setOutputMax     = setting{"output_max", []string{"tracing_output_max"}}
)

// sources are where settings are read, in order of precedence.
type sources struct {
	args, cfg *value.Object
}

// lookup returns a setting's value and where it was found ("argument
// 'port'"): the control's arguments first (under the argument key, then
// the configuration keys), then the experiment's configuration. A null
// value counts as unset.
func (s sources) lookup(st setting) (any, string, bool) {
	for _, k := range append([]string{st.arg}, st.cfg...) {
		if v, ok := s.args.Get(k); ok && v != nil {
			return v, "argument '" + k + "'", true
		}
	}
	for _, k := range st.cfg {
		if v, ok := s.cfg.Get(k); ok && v != nil {
			return v, "configuration '" + k + "'", true
		}
	}
	return nil, "", false
}

// asString reads a string setting; numbers are formatted.
func asString(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t), nil
	case int64, float64, bool:
		return experiment.PyStr(t), nil
	}
	return "", fmt.Errorf("must be a string, not %s", value.TypeName(v))
}

// asInt reads an integer setting: a number or a string holding one.
func asInt(v any) (int64, error) {
	switch t := v.(type) {
	case int64:
		return t, nil
	case float64:
		if t == float64(int64(t)) {
			return int64(t), nil
		}
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64); err == nil {
			return n, nil
		}
	}
	return 0, fmt.Errorf("must be an integer, not %s", describe(v))
}

// asBool reads a boolean setting: a boolean, 0 or 1, or a string such as
// true/false, yes/no, on/off, 1/0 (unlike Python's truthiness, where the
// string "false" is true).
func asBool(v any) (bool, error) {
	switch t := v.(type) {
	case bool:
		return t, nil
	case int64:
		return t != 0, nil
	case float64:
		return t != 0, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "true", "yes", "on", "1":
			return true, nil
		case "false", "no", "off", "0", "":
			return false, nil
		}
	}
	return false, fmt.Errorf("must be true or false, not %s", describe(v))
}

// asSeconds reads a positive duration given in seconds.
func asSeconds(v any) (time.Duration, error) {
	var f float64
	switch t := v.(type) {
	case int64:
		f = float64(t)
	case float64:
		f = t
	case string:
		var err error
		if f, err = strconv.ParseFloat(strings.TrimSpace(t), 64); err != nil {
			return 0, fmt.Errorf("must be a number of seconds, not %s", describe(v))
		}
	default:
		return 0, fmt.Errorf("must be a number of seconds, not %s", describe(v))
	}
	if !(f > 0) || f > 3600 {
		return 0, fmt.Errorf("must be a number of seconds above 0 and at most 3600, not %s", describe(v))
	}
	return time.Duration(f * float64(time.Second)), nil
}

// asHeaders reads headers: an object of strings (numbers formatted), or a
// string in the OTEL_EXPORTER_OTLP_HEADERS form "k1=v1,k2=v2" with
// URL-encoded values.
func asHeaders(v any) (map[string]string, error) {
	switch t := v.(type) {
	case *value.Object:
		out := make(map[string]string, t.Len())
		for _, k := range t.Keys() {
			x, _ := t.Get(k)
			if x == nil {
				continue
			}
			s, err := asString(x)
			if err != nil {
				return nil, fmt.Errorf("header '%s' %w", k, err)
			}
			out[k] = s
		}
		return out, nil
	case string:
		out := map[string]string{}
		for _, pair := range strings.Split(t, ",") {
			if strings.TrimSpace(pair) == "" {
				continue
			}
			k, val, ok := strings.Cut(pair, "=")
			if !ok || strings.TrimSpace(k) == "" {
				return nil, fmt.Errorf("must be key=value pairs separated by commas, not %q", t)
			}
			if dec, err := url.PathUnescape(strings.TrimSpace(val)); err == nil {
				val = dec
			}
			out[strings.TrimSpace(k)] = strings.TrimSpace(val)
		}
		return out, nil
	}
	return nil, fmt.Errorf("must be an object of header names to values, not %s", value.TypeName(v))
}

// asList reads a list: a comma-separated string or a list of strings.
func asList(v any) ([]string, error) {
	switch t := v.(type) {
	case string:
		return splitList(t), nil
	case []any:
		var out []string
		for _, x := range t {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("must be a list of strings, not a list holding %s", value.TypeName(x))
			}
			out = append(out, splitList(s)...)
		}
		return out, nil
	}
	return nil, fmt.Errorf("must be a comma-separated string or a list of strings, not %s", value.TypeName(v))
}

// splitList splits a comma-separated list, lower-cased, empty items
// dropped.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.ToLower(strings.TrimSpace(x)); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// describe names a value for messages: a string quoted, else its type.
func describe(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return value.TypeName(v)
}
