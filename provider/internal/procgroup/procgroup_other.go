//go:build !unix

// Package procgroup runs a provider's child in a process group of its own,
// so that cancelling it kills what it spawned too.
package procgroup

import "os/exec"

// Own keeps exec's default, killing the child alone on cancellation, where
// process groups are not available.
func Own(*exec.Cmd) {}
