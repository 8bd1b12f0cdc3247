package functional

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	tableCell = regexp.MustCompile(`(?:\\\||[^|])+`)
	codeSpan  = regexp.MustCompile("`([^`]+)`")
)

// Every chaostracing command and flag that docs/migration.md's table of
// commands and flags names exists: the command's --help lists each flag.
func TestMigrationCommandTable(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "migration.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(data), "\n## Commands and flags\n")
	section, _, _ = strings.Cut(section, "\n## ")
	rows := 0
	for _, line := range strings.Split(section, "\n") {
		cells := tableCell.FindAllString(line, -1)
		if !strings.HasPrefix(line, "| ") || len(cells) != 2 || strings.HasPrefix(cells[1], "---") {
			continue
		}
		rows++
		checkMigrationCell(t, strings.TrimSpace(cells[0]), cells[1])
	}
	if rows < 20 {
		t.Errorf("only %d rows in the table of commands and flags", rows)
	}
}

// checkMigrationCell checks the chaostracing column of one row: the first
// `chaostracing ...` span names the command, later `--flag` spans are its
// flags too.
func checkMigrationCell(t *testing.T, chaos, cell string) {
	t.Helper()
	sub := ""
	for _, m := range codeSpan.FindAllStringSubmatch(cell, -1) {
		words := strings.Fields(strings.ReplaceAll(m[1], `\|`, "|"))
		if words[0] == "chaostracing" {
			words = words[1:]
			sub = ""
			if len(words) > 0 && !strings.HasPrefix(words[0], "-") {
				sub, words = words[0], words[1:]
			}
		}
		if _, ok := knownFlags(t, sub); !ok {
			t.Errorf("row %s: chaostracing %s is not a command", chaos, sub)
			continue
		}
		checkFlags(t, "row "+chaos, sub, words)
	}
}
