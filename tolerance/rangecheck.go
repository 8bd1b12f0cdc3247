package tolerance

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// chaoslib checks Decimal(lo) <= Decimal(v) <= Decimal(hi). Decimal is
// exact (Decimal(0.1) is the binary value of 0.1), so we compare exact
// rationals, and accept what Decimal accepts: numbers, booleans, and
// numeric strings such as " 42\n" from a process's stdout.

// decimal is a number as Python's Decimal holds it: exact, or infinite.
type decimal struct {
	r   *big.Rat
	inf int // -1 or +1 for an infinity
}

func (a decimal) cmp(b decimal) int {
	if a.inf != 0 || b.inf != 0 {
		return a.inf - b.inf // both finite is excluded; -2..2 keeps the sign
	}
	return a.r.Cmp(b.r)
}

func checkRange(t *value.Object, output any) (bool, error) {
	v, where, err := pick("range", t, output)
	if err != nil {
		return false, err
	}
	d, numeric, err := toDecimal(v)
	if err != nil {
		return false, fmt.Errorf("range tolerance: %s is %s, not a number", where, article(v))
	}
	if !numeric {
		return false, nil // chaoslib: "range check expects a number value"
	}
	lo, hi, err := bounds(t)
	if err != nil {
		return false, err
	}
	return lo.cmp(d) <= 0 && d.cmp(hi) <= 0, nil
}

func bounds(t *value.Object) (lo, hi decimal, err error) {
	r, _ := t.Get("range")
	list, ok := r.([]any)
	if !ok || len(list) < 2 {
		return lo, hi, fmt.Errorf("range tolerance: range must be a list of two numbers, not %s", show(r))
	}
	var ds [2]decimal
	for i := range ds {
		d, numeric, err := toDecimal(list[i])
		if err != nil || !numeric {
			return lo, hi, fmt.Errorf("range tolerance: bound %s is not a number", show(list[i]))
		}
		ds[i] = d
	}
	return ds[0], ds[1], nil
}

// toDecimal converts v as Decimal(v) does. numeric is false for a string
// Decimal rejects (InvalidOperation, which chaoslib reads as out of range)
// and for NaN, which no range contains; err is for the types Decimal
// refuses outright (TypeError, which crashes chaoslib).
func toDecimal(v any) (d decimal, numeric bool, err error) {
	switch t := v.(type) {
	case bool:
		return decimal{r: big.NewRat(int64(boolInt(t)), 1)}, true, nil
	case int64:
		return decimal{r: new(big.Rat).SetInt64(t)}, true, nil
	case int:
		return decimal{r: new(big.Rat).SetInt64(int64(t))}, true, nil
	case float64:
		return fromFloat(t)
	case string:
		d, numeric := parseDecimal(t)
		return d, numeric, nil
	}
	return d, false, fmt.Errorf("%s is not a number", article(v))
}

func fromFloat(f float64) (decimal, bool, error) {
	switch {
	case math.IsNaN(f):
		return decimal{}, false, nil
	case math.IsInf(f, 0):
		return decimal{inf: int(math.Copysign(1, f))}, true, nil
	}
	return decimal{r: new(big.Rat).SetFloat64(f)}, true, nil
}

// decimalSyntax is Decimal's string syntax after the sign, underscores
// allowed between digits.
var decimalSyntax = regexp.MustCompile(`^(\d+(?:_\d+)*)?(?:\.(\d+(?:_\d+)*)?)?(?:[eE]([+-]?\d+(?:_\d+)*))?$`)

func parseDecimal(s string) (decimal, bool) {
	s = strings.TrimSpace(s)
	sign := 1
	if s != "" && (s[0] == '+' || s[0] == '-') {
		if s[0] == '-' {
			sign = -1
		}
		s = s[1:]
	}
	if low := strings.ToLower(s); low == "inf" || low == "infinity" {
		return decimal{inf: sign}, true
	}
	m := decimalSyntax.FindStringSubmatch(s)
	if m == nil || m[1]+m[2] == "" {
		return decimal{}, false // NaN lands here too
	}
	intPart, frac := strings.ReplaceAll(m[1], "_", ""), strings.ReplaceAll(m[2], "_", "")
	mant, _ := new(big.Int).SetString(intPart+frac, 10)
	if sign < 0 {
		mant.Neg(mant)
	}
	scale := exponent(m[3], len(intPart)+len(frac)) - int64(len(frac))
	return decimal{r: scaled(mant, scale)}, true
}

// exponent parses e, clamped to ±(digits+400): beyond that every value
// compares with float64 bounds as the clamped one does (too large for any
// bound, or closer to zero than any non-zero bound), and 10^huge is not
// computed.
func exponent(e string, digits int) int64 {
	limit := int64(digits) + 400
	if e == "" {
		return 0
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(e, "_", ""), 10, 64)
	if err != nil { // out of int64 range
		n = limit
		if e[0] == '-' {
			n = -limit
		}
	}
	return max(-limit, min(n, limit))
}

func scaled(mant *big.Int, scale int64) *big.Rat {
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(abs(scale)), nil)
	if scale >= 0 {
		return new(big.Rat).SetInt(mant.Mul(mant, pow))
	}
	return new(big.Rat).SetFrac(mant, pow)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
