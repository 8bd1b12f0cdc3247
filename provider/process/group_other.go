//go:build !unix

package process

import "os/exec"

// ownGroup keeps exec's default, killing the child alone on cancellation,
// where process groups are not available.
func ownGroup(*exec.Cmd) {}
