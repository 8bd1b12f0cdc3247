package functional

// These tests keep the release files true: .goreleaser.yaml is valid for
// GoReleaser and builds static binaries for every target it lists, a
// `go install` prints its version, and LICENSE is the Apache License 2.0
// word for word.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"debug/pe"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// goreleaserEnv names a prebuilt GoReleaser binary; without it the tests
// get one from tools/goreleaser/build.sh (cached; minutes the first time).
const goreleaserEnv = "CHAOSTRACING_GORELEASER"

// goreleaserBinary returns GoReleaser's path, building it when needed. It
// fails the test, never skips it, when GoReleaser cannot be had.
func goreleaserBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(goreleaserEnv); p != "" {
		return p
	}
	start := time.Now()
	cmd := exec.Command("bash", filepath.Join(repoRoot(t), "tools", "goreleaser", "build.sh"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("tools/goreleaser/build.sh: %v\n%s", err, stderr.String())
	}
	t.Logf("goreleaser from tools/goreleaser/build.sh in %s (set %s to skip this)", time.Since(start).Round(time.Second), goreleaserEnv)
	return strings.TrimSpace(stdout.String())
}

// command runs name with args in dir, with env added to the environment,
// and fails the test when it does not exit 0. It returns standard output.
func command(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

var snapshot struct {
	once      sync.Once
	dir, head string
	err       error
}

// snapshotRepo returns a git repository holding the working tree as one
// commit (its files tracked or not ignored), and that commit's id, so that
// Go stamps builds made there with a version and a commit whatever the
// checkout is (a worktree, uncommitted changes).
func snapshotRepo(t *testing.T) (dir, head string) {
	t.Helper()
	snapshot.once.Do(func() {
		snapshot.dir = filepath.Join(filepath.Dir(binary), "snapshot")
		snapshot.head, snapshot.err = makeSnapshot(repoRoot(t), snapshot.dir)
	})
	if snapshot.err != nil {
		t.Fatal(snapshot.err)
	}
	return snapshot.dir, snapshot.head
}

func makeSnapshot(root, dir string) (string, error) {
	git := func(dir string, args ...string) (string, error) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=chaostracing tests", "-c", "user.email=tests@chaostracing.invalid", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("git %v: %w", args, err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	files, err := git(root, "ls-files", "--cached", "--others", "--exclude-standard")
	if err != nil {
		return "", err
	}
	for _, f := range strings.Split(files, "\n") {
		if err := copyFile(filepath.Join(root, f), filepath.Join(dir, f)); err != nil && !os.IsNotExist(err) {
			return "", err
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-qm", "snapshot"}} {
		if _, err := git(dir, args...); err != nil {
			return "", err
		}
	}
	return git(dir, "rev-parse", "HEAD")
}

// copyFile copies a regular file with its mode, making dst's directory.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// checkStaticELF fails the test unless path is an ELF executable for arch
// that needs no dynamic loader and no shared library.
func checkStaticELF(t *testing.T, path string, arch elf.Machine) {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	if f.Machine != arch {
		t.Errorf("%s: machine %v, want %v", path, f.Machine, arch)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s: has a PT_INTERP header: it is dynamically linked", path)
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("%s: needs shared libraries %v (%v)", path, libs, err)
	}
}

// versionLine matches `chaostracing version`: version, commit, Go version.
var versionLine = regexp.MustCompile(`^chaostracing (\S+) \(commit (\S+), (go\S+)\)\n$`)

// checkVersion runs bin's version command and checks that it names
// version (a prefix of it when the pattern ends with "*"), commit and
// the Go version that built it.
func checkVersion(t *testing.T, bin, version, commit string) {
	t.Helper()
	out := command(t, t.TempDir(), nil, bin, "version")
	m := versionLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("%s version printed %q", bin, out)
	}
	prefix, isPrefix := strings.CutSuffix(version, "*")
	if (isPrefix && !strings.HasPrefix(m[1], prefix)) || (!isPrefix && m[1] != version) {
		t.Errorf("version %q, want %q", m[1], version)
	}
	if m[2] != commit {
		t.Errorf("commit %q, want %q", m[2], commit)
	}
	if want := strings.TrimSpace(command(t, repoRoot(t), nil, "go", "env", "GOVERSION")); m[3] != want {
		t.Errorf("Go version %q, want %q", m[3], want)
	}
}

// goreleaserBuild is the part of .goreleaser.yaml's build that the tests
// check.
type goreleaserBuild struct {
	Main    string   `yaml:"main"`
	Binary  string   `yaml:"binary"`
	Env     []string `yaml:"env"`
	Flags   []string `yaml:"flags"`
	Ldflags []string `yaml:"ldflags"`
	Goos    []string `yaml:"goos"`
	Goarch  []string `yaml:"goarch"`
}

// releaseBuild reads the one build of .goreleaser.yaml and checks that it
// makes small static binaries for the six release targets.
func releaseBuild(t *testing.T) goreleaserBuild {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot(t), ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Version int               `yaml:"version"`
		Builds  []goreleaserBuild `yaml:"builds"`
		Sboms   []map[string]any  `yaml:"sboms"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Version != 2 || len(cfg.Builds) != 1 || len(cfg.Sboms) == 0 {
		t.Fatalf(".goreleaser.yaml: version %d, %d builds, %d sboms; want version 2, one build, an sbom", cfg.Version, len(cfg.Builds), len(cfg.Sboms))
	}
	b := cfg.Builds[0]
	for _, c := range []struct {
		what string
		ok   bool
	}{
		{"env CGO_ENABLED=0", slices.Contains(b.Env, "CGO_ENABLED=0")},
		{"flag -trimpath", slices.Contains(b.Flags, "-trimpath")},
		{"ldflags -s -w", slices.Contains(b.Ldflags, "-s -w")},
		{"goos linux, darwin, windows", slices.Equal(b.Goos, []string{"linux", "darwin", "windows"})},
		{"goarch amd64, arm64", slices.Equal(b.Goarch, []string{"amd64", "arm64"})},
		{"main ./cmd/chaostracing", b.Main == "./cmd/chaostracing" && b.Binary == "chaostracing"},
	} {
		if !c.ok {
			t.Errorf(".goreleaser.yaml: the build lacks %s: %+v", c.what, b)
		}
	}
	return b
}

// GoReleaser accepts .goreleaser.yaml, and its snapshot build for this
// machine is a static binary that knows its version and commit.
func TestGoreleaser(t *testing.T) {
	releaseBuild(t)
	gr := goreleaserBinary(t)
	command(t, repoRoot(t), nil, gr, "check")

	repo, head := snapshotRepo(t)
	dist := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "goreleaser.yaml")
	data, err := os.ReadFile(filepath.Join(repo, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(data, "\ndist: "+dist+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"GOOS=" + runtime.GOOS, "GOARCH=" + runtime.GOARCH}
	command(t, repo, env, gr, "build", "--snapshot", "--single-target", "--clean", "--config", cfg)
	bins, _ := filepath.Glob(filepath.Join(dist, "chaostracing_"+runtime.GOOS+"_"+runtime.GOARCH+"*", "chaostracing"))
	if len(bins) != 1 {
		t.Fatalf("goreleaser built %v", bins)
	}
	if runtime.GOOS == "linux" {
		checkStaticELF(t, bins[0], goMachine[runtime.GOARCH])
	}
	checkVersion(t, bins[0], "v0.0.0-*", head)
}

// goMachine maps GOARCH to the ELF machine.
var goMachine = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// Every release target builds with the release's flags: a static ELF for
// Linux, a Mach-O for macOS and a PE for Windows, each for its processor.
func TestCrossCompileReleaseTargets(t *testing.T) {
	b := releaseBuild(t)
	out := t.TempDir()
	for _, goos := range b.Goos {
		for _, goarch := range b.Goarch {
			bin := filepath.Join(out, goos+"-"+goarch, b.Binary)
			args := append([]string{"build"}, b.Flags...)
			args = append(args, "-ldflags="+strings.Join(b.Ldflags, " "), "-o", bin, b.Main)
			env := append([]string{"GOOS=" + goos, "GOARCH=" + goarch}, b.Env...)
			command(t, repoRoot(t), env, "go", args...)
			checkFormat(t, bin, goos, goarch)
		}
	}
}

// checkFormat checks that bin is an executable for goos and goarch.
func checkFormat(t *testing.T, bin, goos, goarch string) {
	t.Helper()
	switch goos {
	case "linux":
		checkStaticELF(t, bin, goMachine[goarch])
	case "darwin":
		f, err := macho.Open(bin)
		if err != nil {
			t.Fatalf("%s: %v", bin, err)
		}
		defer f.Close()
		want := map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[goarch]
		if f.Cpu != want || f.Type != macho.TypeExec {
			t.Errorf("%s: cpu %v type %v, want %v executable", bin, f.Cpu, f.Type, want)
		}
	case "windows":
		f, err := pe.Open(bin)
		if err != nil {
			t.Fatalf("%s: %v", bin, err)
		}
		defer f.Close()
		want := map[string]uint16{"amd64": pe.IMAGE_FILE_MACHINE_AMD64, "arm64": pe.IMAGE_FILE_MACHINE_ARM64}[goarch]
		if f.Machine != want {
			t.Errorf("%s: machine %#x, want %#x", bin, f.Machine, want)
		}
	default:
		t.Errorf("no format check for %s", goos)
	}
}

// `go install ./cmd/chaostracing` from a clone installs a binary that
// prints its version, commit and Go version (what README.md promises of
// `go install ...@latest`, which needs the module published).
func TestGoInstall(t *testing.T) {
	repo, head := snapshotRepo(t)
	gobin := t.TempDir()
	// -buildvcs=auto: Go's default, whatever this machine's GOFLAGS say.
	command(t, repo, []string{"GOBIN=" + gobin, "GOFLAGS=-buildvcs=auto"}, "go", "install", "./cmd/chaostracing")
	checkVersion(t, filepath.Join(gobin, "chaostracing"), "v0.0.0-*", head)
}

// LICENSE is the Apache License 2.0 word for word: the file that
// google.golang.org/grpc (a dependency) ships, which is the canonical text.
func TestLicense(t *testing.T) {
	license, err := os.ReadFile(filepath.Join(repoRoot(t), "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	dir := strings.TrimSpace(command(t, repoRoot(t), nil, "go", "list", "-m", "-f", "{{.Dir}}", "google.golang.org/grpc"))
	canonical, err := os.ReadFile(filepath.Join(dir, "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(license) != sha256.Sum256(canonical) {
		t.Errorf("LICENSE differs from %s/LICENSE", dir)
	}
	text := string(license)
	if !strings.HasPrefix(text, "\n                                 Apache License\n                           Version 2.0, January 2004\n") {
		t.Errorf("LICENSE does not start with the Apache License 2.0 header")
	}
	for i, section := range []string{"Definitions", "Grant of Copyright License", "Grant of Patent License", "Redistribution", "Submission of Contributions", "Trademarks", "Disclaimer of Warranty", "Limitation of Liability", "Accepting Warranty or Additional Liability"} {
		if !strings.Contains(text, fmt.Sprintf("\n   %d. %s.", i+1, section)) {
			t.Errorf("LICENSE lacks section %d. %s", i+1, section)
		}
	}
	if !strings.Contains(text, "APPENDIX: How to apply the Apache License to your work.") || !strings.Contains(text, "Copyright [yyyy] [name of copyright owner]") {
		t.Error("LICENSE lacks the appendix")
	}
}
