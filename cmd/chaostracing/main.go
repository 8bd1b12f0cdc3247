// Command chaostracing runs Chaos Toolkit experiments with tracing built in.
package main

import (
	"os"

	"github.com/chaostracing/chaostracing"
)

func main() {
	os.Exit(chaostracing.Main(os.Args[1:]))
}
