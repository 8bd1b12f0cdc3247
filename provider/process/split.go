package process

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// useShell is the advice given when a string needs a real shell.
const useShell = `use "path": "sh", "arguments": ["-c", "..."] instead`

// splitArgs splits a string of arguments into words as /bin/sh would,
// expanding variables from the environment; see the package
// documentation. Shell operators are refused. Errors do not quote s, which
// may hold substituted secrets.
func splitArgs(s string) ([]string, error) {
	if plain(s) {
		return strings.Fields(s), nil
	}
	call, err := parseArgs(s)
	if err != nil {
		return nil, err
	}
	cfg := &expand.Config{Env: osEnv{}, ReadDir2: os.ReadDir}
	words, err := expand.Fields(cfg, call.Args[1:]...)
	if err != nil {
		return nil, fmt.Errorf("cannot expand the process arguments: %w", err)
	}
	return words, nil
}

// plain reports whether s holds nothing the shell would interpret, so
// splitting on blanks gives the same words.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte(" \t-_./=:,@%+", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// parseArgs parses s as the arguments of a simple command and refuses
// anything that only a shell can run. The words are parsed after a dummy
// command name, as Chaos Toolkit runs "<path> <arguments>", so a first
// word like "if" or "a=b" stays an argument.
func parseArgs(s string) (*syntax.CallExpr, error) {
	parser := syntax.NewParser(syntax.Variant(syntax.LangPOSIX))
	f, err := parser.Parse(strings.NewReader("_ "+s), "")
	if err != nil {
		var perr syntax.ParseError
		if errors.As(err, &perr) {
			err = errors.New(perr.Text)
		}
		return nil, fmt.Errorf("cannot split the process arguments into words: %w", err)
	}
	if len(f.Stmts) != 1 {
		return nil, needsShell("several commands (;, & or a newline)")
	}
	st := f.Stmts[0]
	call, isCall := st.Cmd.(*syntax.CallExpr)
	switch {
	case len(st.Redirs) > 0:
		return nil, needsShell("a redirection")
	case st.Background:
		return nil, needsShell("a background &")
	case !isCall:
		return nil, needsShell(describe(st.Cmd))
	}
	if what := substitution(call); what != "" {
		return nil, needsShell(what)
	}
	return call, nil
}

// describe names a compound command for an error message.
func describe(cmd syntax.Command) string {
	if b, ok := cmd.(*syntax.BinaryCmd); ok {
		if b.Op == syntax.Pipe || b.Op == syntax.PipeAll {
			return "a pipe"
		}
		return "the operator " + b.Op.String()
	}
	return "a compound command"
}

// substitution finds command or process substitutions, which would run
// code, in the words of call.
func substitution(call *syntax.CallExpr) string {
	what := ""
	for _, w := range call.Args {
		syntax.Walk(w, func(n syntax.Node) bool {
			switch n.(type) {
			case *syntax.CmdSubst:
				what = "a command substitution"
			case *syntax.ProcSubst:
				what = "a process substitution"
			}
			return what == ""
		})
	}
	return what
}

func needsShell(what string) error {
	return fmt.Errorf("the process arguments use %s, which needs a shell; chaostracing does not run process arguments through one: %s", what, useShell)
}

// osEnv exposes this process's environment to the expander, read
// variable by variable rather than copied. PWD is the real working
// directory, which globbing is relative to.
type osEnv struct{}

// Get returns the variable name from the environment.
func (osEnv) Get(name string) expand.Variable {
	if name == "PWD" {
		if wd, err := os.Getwd(); err == nil {
			return stringVar(wd)
		}
	}
	v, ok := os.LookupEnv(name)
	if !ok {
		return expand.Variable{}
	}
	return stringVar(v)
}

// Each calls fn for every environment variable.
func (e osEnv) Each(fn func(name string, vr expand.Variable) bool) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !fn(name, e.Get(name)) {
			return
		}
	}
}

func stringVar(s string) expand.Variable {
	return expand.Variable{Set: true, Exported: true, Kind: expand.String, Str: s}
}
