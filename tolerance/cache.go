package tolerance

import "sync"

// cacheSize bounds each cache: hypothesis probes repeat the same few
// patterns and paths, while substituted ones could otherwise grow without
// limit in a long continuous run.
const cacheSize = 256

// cache memoises a compile function, errors included.
type cache[V any] struct {
	mu sync.Mutex
	m  map[string]cached[V]
}

type cached[V any] struct {
	v   V
	err error
}

// get returns the compiled form of key, building it on a miss. Two callers
// missing at once both build; the result is the same either way.
func (c *cache[V]) get(key string, build func(string) (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return e.v, e.err
	}
	v, err := build(key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]cached[V])
	}
	if len(c.m) >= cacheSize {
		for k := range c.m { // evict an arbitrary entry
			delete(c.m, k)
			break
		}
	}
	c.m[key] = cached[V]{v, err}
	return v, err
}
