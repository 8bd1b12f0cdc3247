package cli

import "github.com/spf13/cobra"

// builtinExamples are the --help examples of the commands cobra adds by
// itself, by command path without the program name.
var builtinExamples = map[string]string{
	"help": `  chaostracing help run`,
	"completion": `  chaostracing completion bash > /etc/bash_completion.d/chaostracing
  chaostracing completion zsh > "${fpath[1]}/_chaostracing"`,
	"completion bash": `  source <(chaostracing completion bash)
  chaostracing completion bash > /etc/bash_completion.d/chaostracing`,
	"completion zsh":        `  chaostracing completion zsh > "${fpath[1]}/_chaostracing"`,
	"completion fish":       `  chaostracing completion fish > ~/.config/fish/completions/chaostracing.fish`,
	"completion powershell": `  chaostracing completion powershell | Out-String | Invoke-Expression`,
}

// addBuiltinExamples adds cobra's help and completion commands to root now
// (rather than when it runs), so that they get examples too. Call it after
// every other command is added: cobra adds completion only to a root with
// subcommands.
func addBuiltinExamples(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	walkCommands(root, func(c *cobra.Command) {
		if c.Example == "" {
			c.Example = builtinExamples[commandKey(c)]
		}
	})
}

// walkCommands calls f on c and on every command below it.
func walkCommands(c *cobra.Command, f func(*cobra.Command)) {
	f(c)
	for _, sub := range c.Commands() {
		walkCommands(sub, f)
	}
}

// commandKey is a command's path without the program name ("completion
// bash"), or "" for the root.
func commandKey(c *cobra.Command) string {
	if !c.HasParent() {
		return ""
	}
	if key := commandKey(c.Parent()); key != "" {
		return key + " " + c.Name()
	}
	return c.Name()
}
