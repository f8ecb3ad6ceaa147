package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"dropin/scan"
	"dropin/store/central"
)

// viewerCmd manages the dashboard's logins: they read one tenant's pages
// and never sync, as a station token never opens the dashboard.
func (a *app) viewerCmd(pg *string) *cobra.Command {
	var tenant string
	add := &cobra.Command{
		Use:   "add NAME --tenant T",
		Short: "make a dashboard login for a tenant; its password is shown this once",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if tenant == "" {
				return usagef(cmd, "give the viewer's --tenant (whose desks the dashboard shows)")
			}
			return withCentral(cmd, *pg, func(ctx context.Context, c *central.Central) error {
				password, err := c.AddViewer(ctx, args[0], tenant)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "viewer %s (tenant %s) added. Log in on the dashboard (/login) with\n  name:     %s\n  password: %s\nThe password is shown this once; only a hash of it is kept.\n",
					scan.Clean(args[0]), scan.Clean(tenant), scan.Clean(args[0]), password)
				return nil
			})
		},
	}
	add.Flags().StringVar(&tenant, "tenant", "", "the `tenant` whose dashboard it opens")
	revoke := &cobra.Command{
		Use:   "revoke NAME",
		Short: "end a dashboard login and every session it has open",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withCentral(cmd, *pg, func(ctx context.Context, c *central.Central) error {
				if err := c.RevokeViewer(ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "viewer %s revoked\n", scan.Clean(args[0]))
				return nil
			})
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "every dashboard login, its tenant, whether it may log in, when it last did",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withCentral(cmd, *pg, func(ctx context.Context, c *central.Central) error {
				list, err := c.Viewers(ctx)
				if err != nil {
					return err
				}
				for _, v := range list {
					state, last := "active", "never"
					if v.Revoked {
						state = "revoked"
					}
					if !v.LastLogin.IsZero() {
						last = v.LastLogin.Local().Format("2006-01-02 15:04")
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%-20s %-16s %-8s added %s, last login %s\n", scan.Clean(v.Name), scan.Clean(v.Tenant), state,
						v.Created.Format("2006-01-02"), last)
				}
				return nil
			})
		},
	}
	return group(&cobra.Command{
		Use:   "viewer COMMAND",
		Short: "manage the dashboard's logins (read-only, one tenant each)",
	}, add, revoke, list)
}
