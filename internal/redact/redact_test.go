package redact

import (
	"testing"

	"github.com/chaostracing/chaostracing/value"
)

func TestRedactor(t *testing.T) {
	secrets := value.NewObject("db", value.NewObject("password", "hunter22", "user", "app", "nested", []any{`quo"te1`}),
		"api", value.NewObject("token", "hunter22-extended"))
	r := New(Values(secrets)...)
	tests := map[string]string{
		"pw=hunter22":          "pw=***",
		"t=hunter22-extended!": "t=***!",
		"user app stays":       "user app stays",
		`{"s": "quo\"te1"}`:    `{"s": "***"}`,
		`raw quo"te1 in text`:  `raw *** in text`,
	}
	for in, want := range tests {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
	if r.Longest() != len("hunter22-extended") || r.Empty() {
		t.Errorf("Longest %d Empty %v", r.Longest(), r.Empty())
	}
	var none *Redactor
	if none.String("x") != "x" || !New("abc").Empty() {
		t.Error("nil or short-only redactor changed text")
	}
	if got := r.Strings([]string{"hunter22", "ok"}); got[0] != Mask || got[1] != "ok" {
		t.Errorf("Strings = %v", got)
	}
}

func TestValueAndDeclared(t *testing.T) {
	r := New("s3cr3t-token")
	out := value.NewObject("status", int64(0), "stdout", "token=s3cr3t-token\n", "list", []any{"s3cr3t-token", int64(1)})
	got := r.Value(out).(*value.Object)
	if got.String("stdout") != "token=***\n" || !value.Equal(mustList(got), []any{Mask, int64(1)}) {
		t.Errorf("Value = %v", got)
	}
	if out.String("stdout") != "token=s3cr3t-token\n" {
		t.Error("Value changed its input")
	}
	decl := value.NewObject("db", value.NewObject("password", "inline-pw", "user", value.NewObject("type", "env", "key", "DB_USER")))
	red := Declared(decl)
	if red.Object("db").String("password") != Mask || red.Object("db").Object("user").String("key") != "DB_USER" {
		t.Errorf("Declared = %v", red)
	}
}

func mustList(o *value.Object) []any {
	v, _ := o.Get("list")
	return v.([]any)
}
