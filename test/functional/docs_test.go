package functional

// These tests keep the documentation true. They read conventions written
// in the Markdown sources:
//
//   - In ```sh blocks of README.md, docs/getting-started.md,
//     docs/extending.md and docs/settings.md, a line starting with "chaostracing " or
//     "go run ./cmd/chaostracing " runs the binary built by TestMain, and a
//     line "./NAME ARGS" runs the program NAME compiled from the page (see
//     below). It must exit 0, or N when the line ends with a comment
//     "# exits N". A line "export NAME=VALUE" sets the environment of the
//     page's later lines, $PWD being the directory that holds the page's
//     files. Other lines (go build, jq, rm...) are not run. Arguments naming
//     files of the repository become absolute paths; a line naming a .json,
//     .yaml or .yml file that is neither in the repository nor given by the
//     page (an example such as "experiment.json") is skipped. Each command
//     runs in a fresh directory, with QUICKSTART_DIR pointing at a fresh
//     directory too, so commands run in parallel.
//   - <!-- file: NAME --> on the line before a fenced block: the block is
//     the file NAME that the page's commands use.
//   - <!-- program: NAME --> before a ```go block: the block is a complete
//     program, compiled against this module.
//   - <!-- go-fragment: SOURCE --> before a ```go block: every line of the
//     block appears in SOURCE, a program of the same page or a file of the
//     repository. In the pages above and docs/experiment-format.md, every
//     ```go block must be a program or a fragment.
//   - <!-- example: valid --> or <!-- example: invalid "TEXT" --> before a
//     ```json or ```yaml block: a complete experiment that
//     `chaostracing validate -` finds valid, or invalid with TEXT in its
//     report.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Pages whose commands are run, and pages whose Go blocks and examples are
// checked.
var (
	commandPages = []string{"README.md", "docs/getting-started.md", "docs/extending.md", "docs/settings.md"}
	checkedPages = []string{"docs/getting-started.md", "docs/extending.md", "docs/experiment-format.md"}
)

// block is one fenced block of a Markdown page.
type block struct {
	lang      string // the info string: sh, go, json...
	body      string
	line      int    // line number of the opening fence
	directive string // "file", "program", "go-fragment", "example" or ""
	arg       string // what follows the directive's colon
}

var directivePattern = regexp.MustCompile(`^<!--\s*([a-z-]+):\s*(.*?)\s*-->$`)

// readBlocks returns the fenced blocks of a page of the repository, with
// the directive written on the nearest non-blank line before each.
func readBlocks(t *testing.T, page string) []block {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), page))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	var blocks []block
	for i := 0; i < len(lines); i++ {
		fence := strings.TrimSpace(lines[i])
		if !strings.HasPrefix(fence, "```") {
			continue
		}
		b := block{lang: strings.TrimSpace(strings.TrimPrefix(fence, "```")), line: i + 1}
		for j := i - 1; j >= 0; j-- {
			prev := strings.TrimSpace(lines[j])
			if prev == "" {
				continue
			}
			if m := directivePattern.FindStringSubmatch(prev); m != nil {
				b.directive, b.arg = m[1], m[2]
			}
			break
		}
		var body []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			body = append(body, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("%s:%d: unterminated code block", page, b.line)
		}
		b.body = strings.Join(body, "\n") + "\n"
		blocks = append(blocks, b)
	}
	return blocks
}

func repoRoot(t *testing.T) string {
	return abs(t, "../..")
}

// docCommand is one command line of a page to run.
type docCommand struct {
	line    int
	text    string
	program string // "" for chaostracing, else the name of a page program
	args    []string
	env     []string
	want    int
}

// TestDocsCommands runs the commands of the pages, with the files and
// programs the pages define, and checks their exit codes.
func TestDocsCommands(t *testing.T) {
	for _, page := range commandPages {
		t.Run(page, func(t *testing.T) {
			t.Parallel()
			blocks := readBlocks(t, page)
			dir := t.TempDir()
			files := map[string]bool{}
			programs := map[string]string{}
			for _, b := range blocks {
				switch b.directive {
				case "file":
					path := filepath.Join(dir, b.arg)
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(b.body), 0o644); err != nil {
						t.Fatal(err)
					}
					files[b.arg] = true
				case "program":
					programs[b.arg] = buildProgram(t, dir, b)
				}
			}
			commands := pageCommands(t, page, blocks, dir, files, programs)
			if len(commands) == 0 {
				t.Fatalf("%s: no command to run was found", page)
			}
			for _, c := range commands {
				t.Run(fmt.Sprintf("line %d %s", c.line, c.text), func(t *testing.T) {
					t.Parallel()
					env := append([]string{"QUICKSTART_DIR=" + t.TempDir()}, c.env...)
					var code int
					var stderr string
					if c.program == "" {
						res := chaostracing(t, invocation{args: c.args, env: env})
						code, stderr = res.code, res.stderr
					} else {
						code, stderr = runProgram(t, programs[c.program], c.args, env)
					}
					if code != c.want {
						t.Errorf("%s:%d: %s\nexit %d, the page says %d\nstderr:\n%s", page, c.line, c.text, code, c.want, stderr)
					}
				})
			}
		})
	}
}

var exitsPattern = regexp.MustCompile(`^exits?\s+(\d+)\b`)

// pageCommands collects the command lines of a page's sh blocks.
func pageCommands(t *testing.T, page string, blocks []block, dir string, files map[string]bool, programs map[string]string) []docCommand {
	t.Helper()
	var env []string
	var commands []docCommand
	for _, b := range blocks {
		if b.lang != "sh" {
			continue
		}
		lines := strings.Split(strings.TrimSuffix(b.body, "\n"), "\n")
		for i := 0; i < len(lines); i++ {
			lineNo := b.line + 1 + i
			text := strings.TrimSpace(lines[i])
			for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
				i++
				text = strings.TrimSuffix(text, `\`) + " " + strings.TrimSpace(lines[i])
			}
			words, comment, err := splitWords(text, dir)
			if err != nil {
				t.Errorf("%s:%d: %v: %s", page, lineNo, err, text)
				continue
			}
			if len(words) == 0 {
				continue
			}
			c := docCommand{line: lineNo, text: text}
			switch {
			case words[0] == "export" && len(words) == 2 && strings.Contains(words[1], "="):
				env = append(env, words[1])
				continue
			case words[0] == "chaostracing":
				c.args = words[1:]
			case len(words) >= 3 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/chaostracing":
				c.args = words[3:]
			case strings.HasPrefix(words[0], "./") && programs[strings.TrimPrefix(words[0], "./")] != "":
				c.program, c.args = strings.TrimPrefix(words[0], "./"), words[1:]
			default:
				continue
			}
			if m := exitsPattern.FindStringSubmatch(strings.TrimSpace(comment)); m != nil {
				c.want, _ = strconv.Atoi(m[1])
			}
			if !resolveArgs(t, c.args, dir, files) {
				t.Logf("%s:%d: skipped, it names a file that is not in the repository: %s", page, lineNo, text)
				continue
			}
			c.env = append([]string(nil), env...)
			commands = append(commands, c)
		}
	}
	return commands
}

// resolveArgs turns arguments that name files of the repository or of the
// page into absolute paths. It reports false when an argument names an
// experiment file found in neither.
func resolveArgs(t *testing.T, args []string, dir string, files map[string]bool) bool {
	t.Helper()
	for i, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if files[a] {
			args[i] = filepath.Join(dir, a)
			continue
		}
		inRepo := filepath.Join(repoRoot(t), a)
		if fi, err := os.Stat(inRepo); err == nil && fi.Mode().IsRegular() {
			args[i] = inRepo
			continue
		}
		switch strings.ToLower(filepath.Ext(a)) {
		case ".json", ".yaml", ".yml":
			return false
		}
	}
	return true
}

// splitWords splits a command line into words as sh would for the simple
// commands the pages show: quotes, backslashes, $PWD (the page's
// directory) and a trailing comment, which it returns. Anything that needs
// a shell (pipes, redirections, lists) is an error: the page should not
// show it as a command to run.
func splitWords(line, pwd string) (words []string, comment string, err error) {
	var word strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			words = append(words, word.String())
		}
		word.Reset()
		inWord = false
	}
	expand := func(s string) string {
		return strings.NewReplacer("${PWD}", pwd, "$PWD", pwd).Replace(s)
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			flush()
		case c == '#' && !inWord:
			return words, line[i+1:], nil
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, "", fmt.Errorf("unterminated single quote")
			}
			word.WriteString(line[i+1 : i+1+end])
			inWord, i = true, i+1+end
		case c == '"':
			end := strings.IndexByte(line[i+1:], '"')
			if end < 0 {
				return nil, "", fmt.Errorf("unterminated double quote")
			}
			word.WriteString(expand(line[i+1 : i+1+end]))
			inWord, i = true, i+1+end
		case c == '\\' && i+1 < len(line):
			word.WriteByte(line[i+1])
			inWord, i = true, i+1
		case strings.IndexByte("|&;<>()`", c) >= 0:
			return nil, "", fmt.Errorf("%q needs a shell; show only simple commands", c)
		case c == '$':
			rest := line[i:]
			switch {
			case strings.HasPrefix(rest, "${PWD}"):
				word.WriteString(pwd)
				i += len("${PWD}") - 1
			case strings.HasPrefix(rest, "$PWD"):
				word.WriteString(pwd)
				i += len("$PWD") - 1
			default:
				word.WriteByte(c)
			}
			inWord = true
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return words, "", nil
}

// buildProgram compiles a page's Go program into dir and returns the
// binary's path.
func buildProgram(t *testing.T, dir string, b block) string {
	t.Helper()
	if b.lang != "go" {
		t.Fatalf("line %d: a program must be a go block, not %q", b.line, b.lang)
	}
	src := filepath.Join(dir, "src-"+b.arg, "main.go")
	if err := os.MkdirAll(filepath.Dir(src), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, []byte(b.body), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "bin", b.arg)
	cmd := exec.Command("go", "build", "-o", bin, src)
	cmd.Dir = repoRoot(t) // so that the program builds against this module
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("line %d: program %s does not build: %v\n%s", b.line, b.arg, err, out)
	}
	return bin
}

// runProgram runs a page's program in a fresh directory and returns its
// exit code and standard error.
func runProgram(t *testing.T, bin string, args, env []string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(append(os.Environ(), "NO_COLOR=1"), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %v did not finish in time\n%s", bin, args, stderr.String())
	}
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// TestDocsGoBlocksAreChecked makes sure every Go block of the checked
// pages is compiled (a program) or copied from compiled code (a fragment).
func TestDocsGoBlocksAreChecked(t *testing.T) {
	for _, page := range checkedPages {
		blocks := readBlocks(t, page)
		programs := map[string]string{}
		for _, b := range blocks {
			if b.directive == "program" {
				programs[b.arg] = b.body
			}
		}
		for _, b := range blocks {
			if b.lang != "go" {
				continue
			}
			switch b.directive {
			case "program":
				if !strings.HasPrefix(strings.TrimSpace(stripComments(b.body)), "package main") {
					t.Errorf("%s:%d: program %s is not a package main", page, b.line, b.arg)
				}
			case "go-fragment":
				source, ok := programs[b.arg]
				if !ok {
					data, err := os.ReadFile(filepath.Join(repoRoot(t), b.arg))
					if err != nil {
						t.Errorf("%s:%d: fragment source %s: %v", page, b.line, b.arg, err)
						continue
					}
					source = string(data)
				}
				have := map[string]bool{}
				for _, l := range strings.Split(source, "\n") {
					have[strings.TrimSpace(l)] = true
				}
				for _, l := range strings.Split(b.body, "\n") {
					if l = strings.TrimSpace(l); l != "" && !have[l] {
						t.Errorf("%s:%d: fragment line not found in %s: %s", page, b.line, b.arg, l)
					}
				}
			default:
				t.Errorf("%s:%d: a go block needs <!-- program: NAME --> or <!-- go-fragment: SOURCE -->", page, b.line)
			}
		}
	}
}

// stripComments drops the leading // comment lines of a Go file.
func stripComments(src string) string {
	lines := strings.Split(src, "\n")
	for len(lines) > 0 && (strings.HasPrefix(strings.TrimSpace(lines[0]), "//") || strings.TrimSpace(lines[0]) == "") {
		lines = lines[1:]
	}
	return strings.Join(lines, "\n")
}

var examplePattern = regexp.MustCompile(`^(valid|invalid)(?:\s+"(.*)")?$`)

// TestDocsExperimentExamples validates every experiment marked as an
// example, expecting it valid or invalid as marked.
func TestDocsExperimentExamples(t *testing.T) {
	counts := map[string]int{}
	for _, page := range checkedPages {
		for _, b := range readBlocks(t, page) {
			if b.directive != "example" {
				continue
			}
			m := examplePattern.FindStringSubmatch(b.arg)
			if m == nil {
				t.Errorf("%s:%d: example marker must be `valid` or `invalid \"TEXT\"`, not %q", page, b.line, b.arg)
				continue
			}
			if b.lang != "json" && b.lang != "yaml" {
				t.Errorf("%s:%d: an example must be a json or yaml block, not %q", page, b.line, b.lang)
				continue
			}
			counts[page+" "+m[1]]++
			want, text := m[1], strings.ReplaceAll(m[2], `\"`, `"`)
			t.Run(fmt.Sprintf("%s:%d", page, b.line), func(t *testing.T) {
				t.Parallel()
				res := chaostracing(t, invocation{args: []string{"validate", "-"}, stdin: []byte(b.body)})
				switch {
				case want == "valid" && res.code != 0:
					t.Errorf("%s:%d: marked valid, but validate exits %d:\n%s", page, b.line, res.code, res.stderr)
				case want == "invalid" && res.code != 1:
					t.Errorf("%s:%d: marked invalid, but validate exits %d:\n%s", page, b.line, res.code, res.stderr)
				case want == "invalid" && !strings.Contains(res.stderr, text):
					t.Errorf("%s:%d: validate does not report %q:\n%s", page, b.line, text, res.stderr)
				}
			})
		}
	}
	for _, kind := range []string{"valid", "invalid"} {
		if counts["docs/experiment-format.md "+kind] == 0 {
			t.Errorf("docs/experiment-format.md has no %s example", kind)
		}
	}
}
