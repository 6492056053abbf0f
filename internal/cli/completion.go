package cli

import (
	"github.com/spf13/cobra"
)

func newCompletionCmd(app *App, root *cobra.Command) *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print a shell completion script",
		Long: `Print the completion script for bash, zsh or fish on stdout.

  bash:  source <(orgaudit completion bash)
         # or, for every session: orgaudit completion bash > /etc/bash_completion.d/orgaudit
  zsh:   orgaudit completion zsh > "${fpath[1]}/_orgaudit"
  fish:  orgaudit completion fish > ~/.config/fish/completions/orgaudit.fish`,
		Example: `  source <(orgaudit completion bash)
  orgaudit completion zsh > "${fpath[1]}/_orgaudit"`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args:      cobra.MatchAll(cobra.ExactArgs(1), cobra.OnlyValidArgs),
		RunE: func(_ *cobra.Command, args []string) error {
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(app.Out, true)
			case "zsh":
				return root.GenZshCompletion(app.Out)
			default:
				return root.GenFishCompletion(app.Out, true)
			}
		},
	}
}

// completeValues offers a fixed list of values for a flag.
func completeValues(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}
