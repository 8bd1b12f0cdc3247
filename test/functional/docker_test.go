package functional

// No container engine runs here, so these tests read the Dockerfile with a
// small parser, check what the image promises (a static binary on a
// distroless or scratch base, a non-root user, a writable working
// directory, the binary as entrypoint), and run the build stage's go build
// command on this machine.

import (
	"bufio"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction.
type instruction struct {
	line  int
	cmd   string   // upper case: FROM, RUN, COPY...
	flags []string // leading --name=value words (COPY --from=build)
	args  string   // the rest, continuation lines joined
}

// stage is one FROM section of a Dockerfile.
type stage struct {
	base, name   string
	instructions []instruction
}

// parseDockerfile splits a Dockerfile into stages of instructions: comment
// lines dropped, backslash continuations joined.
func parseDockerfile(t *testing.T, file string) []stage {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var stages []stage
	var pending strings.Builder
	start := 0
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		text := strings.TrimSpace(sc.Text())
		if pending.Len() == 0 && (text == "" || strings.HasPrefix(text, "#")) {
			continue
		}
		if pending.Len() == 0 {
			start = n
		}
		if body, more := strings.CutSuffix(text, `\`); more {
			pending.WriteString(body + " ")
			continue
		}
		pending.WriteString(text)
		in := splitInstruction(start, pending.String())
		pending.Reset()
		if in.cmd == "FROM" {
			words := strings.Fields(in.args)
			st := stage{base: words[0]}
			if len(words) == 3 && strings.EqualFold(words[1], "AS") {
				st.name = words[2]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) == 0 {
			t.Fatalf("%s:%d: %s before any FROM", file, in.line, in.cmd)
		}
		stages[len(stages)-1].instructions = append(stages[len(stages)-1].instructions, in)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if pending.Len() > 0 {
		t.Fatalf("%s: the last instruction ends with a continuation", file)
	}
	return stages
}

func splitInstruction(line int, text string) instruction {
	cmd, rest, _ := strings.Cut(text, " ")
	in := instruction{line: line, cmd: strings.ToUpper(cmd)}
	rest = strings.TrimSpace(rest)
	for strings.HasPrefix(rest, "--") {
		flag, after, _ := strings.Cut(rest, " ")
		in.flags = append(in.flags, flag)
		rest = strings.TrimSpace(after)
	}
	in.args = rest
	return in
}

// all returns the stage's instructions of one kind.
func (s stage) all(cmd string) []instruction {
	var out []instruction
	for _, in := range s.instructions {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// last returns the stage's last instruction of one kind, which is the one
// that counts for USER, WORKDIR and ENTRYPOINT.
func (s stage) last(cmd string) (instruction, bool) {
	all := s.all(cmd)
	if len(all) == 0 {
		return instruction{}, false
	}
	return all[len(all)-1], true
}

// env returns the stage's ARG defaults and ENV values, in order.
func (s stage) env() []string {
	var env []string
	for _, in := range s.instructions {
		if in.cmd == "ARG" || in.cmd == "ENV" {
			if k, v, ok := strings.Cut(in.args, "="); ok {
				env = append(env, k+"="+strings.Trim(v, `"`))
			}
		}
	}
	return env
}

// The final image runs the static binary as a non-root user, in a working
// directory that user can write the journal to.
func TestDockerfileImage(t *testing.T) {
	stages := parseDockerfile(t, filepath.Join(repoRoot(t), "Dockerfile"))
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a build stage and the image", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]
	if !strings.HasPrefix(build.base, "golang:1.26") || build.name == "" {
		t.Errorf("build stage FROM %s AS %q, want golang:1.26 with a name", build.base, build.name)
	}
	if !strings.HasPrefix(final.base, "gcr.io/distroless/static") && final.base != "scratch" {
		t.Errorf("final stage FROM %s, want distroless static or scratch", final.base)
	}
	user, ok := final.last("USER")
	if !ok || !nonRoot(user.args) {
		t.Errorf("final stage USER %q, want a non-root user", user.args)
	}
	uid, _, _ := strings.Cut(user.args, ":")

	entry, ok := final.last("ENTRYPOINT")
	var argv []string
	if !ok || json.Unmarshal([]byte(entry.args), &argv) != nil || len(argv) != 1 || path.Base(argv[0]) != "chaostracing" {
		t.Fatalf("ENTRYPOINT %q, want the exec form [\"/path/to/chaostracing\"]", entry.args)
	}
	copies := copiedFrom(final, build.name)
	if src := copies[argv[0]]; src.args == "" || !strings.Contains(buildCommand(t, build), "-o "+strings.Fields(src.args)[0]) {
		t.Errorf("the entrypoint %s is not the binary the build stage's go build writes (COPY %v)", argv[0], src)
	}
	workdir, ok := final.last("WORKDIR")
	if !ok {
		t.Fatal("final stage has no WORKDIR")
	}
	if c := copies[workdir.args]; !hasFlag(c, "--chown="+uid+":"+uid) && !hasFlag(c, "--chown="+uid) {
		t.Errorf("WORKDIR %s is not made writable for user %s with a COPY --chown", workdir.args, uid)
	}
}

// copiedFrom maps each destination that s copies from stage from to its
// COPY instruction.
func copiedFrom(s stage, from string) map[string]instruction {
	copies := map[string]instruction{}
	for _, in := range s.all("COPY") {
		if hasFlag(in, "--from="+from) {
			words := strings.Fields(in.args)
			copies[words[len(words)-1]] = in
		}
	}
	return copies
}

func hasFlag(in instruction, flag string) bool { return slices.Contains(in.flags, flag) }

// nonRoot tells whether a USER value names a user other than root.
func nonRoot(user string) bool {
	name, _, _ := strings.Cut(user, ":")
	if uid, err := strconv.Atoi(name); err == nil {
		return uid != 0
	}
	return name != "" && name != "root"
}

// buildCommand returns the build stage's RUN command that runs go build,
// checked to build without cgo.
func buildCommand(t *testing.T, build stage) string {
	t.Helper()
	for _, in := range build.all("RUN") {
		if strings.Contains(in.args, "go build") {
			if !strings.Contains(in.args, "CGO_ENABLED=0") && !slices.Contains(build.env(), "CGO_ENABLED=0") {
				t.Errorf("Dockerfile:%d: go build without CGO_ENABLED=0", in.line)
			}
			return in.args
		}
	}
	t.Fatal("the build stage has no RUN go build")
	return ""
}

// The build stage's RUN go build, run here as the Dockerfile runs it (its
// /out directory moved to a temporary one), makes a static binary that
// prints the version given as the VERSION build argument.
func TestDockerfileBuildCommand(t *testing.T) {
	stages := parseDockerfile(t, filepath.Join(repoRoot(t), "Dockerfile"))
	run := buildCommand(t, stages[0])
	out := t.TempDir()
	script := strings.ReplaceAll(run, "/out/", out+"/")
	if script == run {
		t.Fatalf("the build command does not write to /out/: %s", run)
	}
	env := append(stages[0].env(), "VERSION=v9.9.9-docker")
	command(t, repoRoot(t), env, "sh", "-c", script)
	bin := filepath.Join(out, "chaostracing")
	checkStaticELF(t, bin, goMachine[runtime.GOARCH])
	checkVersion(t, bin, "v9.9.9-docker", "unknown")
}

var dockerignoreUnsupported = regexp.MustCompile(`\*\*|^!`)

// .dockerignore keeps the build context small without leaving out a file
// that go build ./cmd/chaostracing reads.
func TestDockerignore(t *testing.T) {
	root := repoRoot(t)
	data, err := os.ReadFile(filepath.Join(root, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var patterns []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			if dockerignoreUnsupported.MatchString(l) {
				t.Fatalf(".dockerignore: %q: this test's matcher knows neither ** nor !", l)
			}
			patterns = append(patterns, strings.TrimPrefix(path.Clean(l), "/"))
		}
	}
	for _, p := range []string{".git", "dist", "test"} {
		if !ignored(patterns, p+"/x") {
			t.Errorf(".dockerignore does not leave out %s", p)
		}
	}
	needed := []string{"go.mod", "go.sum"}
	list := command(t, root, nil, "go", "list", "-deps", "-f", `{{if .Module}}{{if .Module.Main}}{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}
{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}
{{end}}{{end}}{{end}}`, "./cmd/chaostracing")
	for _, f := range strings.Fields(list) {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			t.Fatal(err)
		}
		needed = append(needed, filepath.ToSlash(rel))
	}
	if len(needed) < 50 {
		t.Fatalf("only %d files found for the build", len(needed))
	}
	for _, f := range needed {
		if ignored(patterns, f) {
			t.Errorf(".dockerignore leaves out %s, which the build needs", f)
		}
	}
}

// ignored tells whether a pattern matches rel or one of its parent
// directories, as Docker reads .dockerignore.
func ignored(patterns []string, rel string) bool {
	for p := rel; p != "." && p != "/"; p = path.Dir(p) {
		for _, pat := range patterns {
			if ok, _ := path.Match(pat, p); ok {
				return true
			}
		}
	}
	return false
}
