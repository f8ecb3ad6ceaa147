package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"dropin/scan"
	"dropin/store/central"
	"dropin/store/central/dashboard"
	"dropin/tui"
)

// serveCmd runs the central sync service, and manages who may use it.
func (a *app) serveCmd() *cobra.Command {
	pg := a.getenv("DROPIN_PG")
	listen, tlsCert, tlsKey := "127.0.0.1:8470", "", ""
	var noMigrate bool
	mirrorDir, cutover := a.getenv("DROPIN_MIRROR"), a.getenv("DROPIN_CUTOVER")
	cmd := &cobra.Command{
		Use:   "serve --pg DSN [--listen ADDR] [--tls-cert F --tls-key F]",
		Short: "run the central sync service and the management dashboard on PostgreSQL",
		Long: `Run the central sync service on PostgreSQL, and beside it the read-only web
dashboard for management (log in with a viewer: dropin serve viewer add).
Plain HTTP is served on loopback only; elsewhere give --tls-cert and
--tls-key, or serve behind a TLS proxy.
At start it brings the schema to this version's (dropin serve migrate does
only that); with --no-migrate it changes nothing and refuses to start on
a schema that is not this version's.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			host, _, err := net.SplitHostPort(listen)
			if err != nil {
				return usagef(cmd, "--listen %q: %v", listen, err)
			}
			if tlsCert == "" && !isLoopback(host) {
				return fmt.Errorf("--listen %s is not loopback: give --tls-cert and --tls-key, or serve behind a TLS proxy on 127.0.0.1", listen)
			}
			ctx := cmd.Context()
			open := openCentral // the schema brought to this version's
			if noMigrate {
				open = connectChecked
			}
			c, err := open(cmd, pg)
			if err != nil {
				return err
			}
			defer c.Close()
			var cut time.Time
			if cutover != "" {
				if cut, err = time.ParseInLocation("2006-01-02 15:04", cutover, time.Local); err != nil {
					return usagef(cmd, "--cutover %q: give a date and time as 2026-04-14 15:30", cutover)
				}
			}
			if mirrorDir == "" {
				mirrorDir = filepath.Join(stateDir(a.getenv), "mirror")
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			mirrors := dashboard.NewMirrors(tui.ExpandHome(mirrorDir), c, logger)
			defer mirrors.Close()
			go mirrors.Run(ctx, 2*time.Second)
			dash, err := dashboard.New(dashboard.Options{Auth: c, Mirrors: mirrors, Log: logger, Cutover: cut})
			if err != nil {
				return err
			}
			mux := http.NewServeMux()
			mux.Handle("/v1/", central.Handler(c, logger))
			mux.Handle("/", dash.Handler())
			srv := &http.Server{Addr: listen, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			go func() {
				<-ctx.Done()
				srv.Close()
			}()
			logger.Info("serving", "listen", listen, "tls", tlsCert != "")
			if tlsCert != "" {
				err = srv.ListenAndServeTLS(tui.ExpandHome(tlsCert), tui.ExpandHome(tlsKey))
			} else {
				err = srv.ListenAndServe()
			}
			if errors.Is(err, http.ErrServerClosed) {
				return nil
			}
			return err
		},
	}
	cmd.PersistentFlags().StringVar(&pg, "pg", pg, "the central PostgreSQL `DSN` (env DROPIN_PG)")
	cmd.Flags().StringVar(&listen, "listen", listen, "`address` to serve on; plain HTTP only on loopback")
	cmd.Flags().StringVar(&tlsCert, "tls-cert", "", "TLS certificate `file`")
	cmd.Flags().StringVar(&tlsKey, "tls-key", "", "TLS key `file`")
	cmd.Flags().BoolVar(&noMigrate, "no-migrate", false, "change no schema (a read-only standby): start only if it is this version's")
	cmd.Flags().StringVar(&mirrorDir, "mirror", mirrorDir, "the `folder` of the dashboard's copy of each tenant's events (env DROPIN_MIRROR; default the state folder's mirror/)")
	cmd.Flags().StringVar(&cutover, "cutover", cutover, "the cut-over `time` marked on the progress chart, e.g. \"2026-04-14 15:30\" (env DROPIN_CUTOVER)")
	cmd.AddCommand(a.stationCmd(&pg), a.viewerCmd(&pg), migrateCmd(&pg))
	return cmd
}

// openCentral opens the central store that --pg names, its schema
// brought to this version's.
func openCentral(cmd *cobra.Command, pg string) (*central.Central, error) {
	c, err := connectCentral(cmd, pg)
	if err != nil {
		return nil, err
	}
	if _, err := c.Migrate(cmd.Context()); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// connectCentral connects to the central store that --pg names and
// changes nothing.
func connectCentral(cmd *cobra.Command, pg string) (*central.Central, error) {
	if pg == "" {
		return nil, usagef(cmd, "give --pg DSN (or DROPIN_PG), e.g. postgres://dropin@db.example/dropin")
	}
	return central.Connect(cmd.Context(), pg)
}

// connectChecked connects to the central store and changes nothing,
// refusing a schema that is not this version's.
func connectChecked(cmd *cobra.Command, pg string) (*central.Central, error) {
	c, err := connectCentral(cmd, pg)
	if err != nil {
		return nil, err
	}
	if err := c.CheckSchema(cmd.Context()); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// migrateCmd brings the central schema to this version's.
func migrateCmd(pg *string) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "bring the central store's schema to this version's, and say what was applied",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := connectCentral(cmd, *pg)
			if err != nil {
				return err
			}
			defer c.Close()
			applied, err := c.Migrate(cmd.Context())
			for _, name := range applied {
				fmt.Fprintf(cmd.OutOrStdout(), "applied %s\n", name)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "the central schema is at version %d\n", central.SchemaVersion())
			return nil
		},
	}
}

// withCentral runs do on the central store, then closes it.
func withCentral(cmd *cobra.Command, pg string, do func(ctx context.Context, c *central.Central) error) error {
	c, err := openCentral(cmd, pg)
	if err != nil {
		return err
	}
	defer c.Close()
	return do(cmd.Context(), c)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// stationCmd manages the stations allowed to sync.
func (a *app) stationCmd(pg *string) *cobra.Command {
	var tenant string
	add := &cobra.Command{
		Use:   "add NAME --tenant T",
		Short: "allow a station to sync; its token is shown this once",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if tenant == "" {
				return usagef(cmd, "give the station's --tenant (the group of desks sharing tablets)")
			}
			return withCentral(cmd, *pg, func(ctx context.Context, c *central.Central) error {
				token, err := c.AddStation(ctx, args[0], tenant)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "station %s (tenant %s) added. Its token, shown this once:\n%s\n", scan.Clean(args[0]), scan.Clean(tenant), token)
				return nil
			})
		},
	}
	add.Flags().StringVar(&tenant, "tenant", "", "the `tenant` (the group of desks sharing tablets)")
	revoke := &cobra.Command{
		Use:   "revoke NAME",
		Short: "stop a station's token from syncing",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withCentral(cmd, *pg, func(ctx context.Context, c *central.Central) error {
				if err := c.Revoke(ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "station %s revoked\n", scan.Clean(args[0]))
				return nil
			})
		},
	}
	release := &cobra.Command{
		Use:   "release NAME",
		Short: "let the next database that syncs as the station be its own (a desk's new machine); the old one is refused",
		Long: `A station is bound to the first database that syncs as it: a second database
with the same name and token (two desks set up alike) is refused, before its
receipts and the first's, numbered alike, overwrite each other. When a desk
gets a new machine, and with it a new database, release the station: the
next database to sync as it becomes the station's, and the old one is refused.
The new database should sync before it issues receipts, so that it numbers
them after the station's earlier ones.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withCentral(cmd, *pg, func(ctx context.Context, c *central.Central) error {
				if err := c.Release(ctx, args[0]); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "station %s released: the next database to sync as it becomes its own\n", scan.Clean(args[0]))
				return nil
			})
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "every station, its tenant, whether it may sync, when it was added, whether a database is bound to it",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withCentral(cmd, *pg, func(ctx context.Context, c *central.Central) error {
				list, err := c.Stations(ctx)
				if err != nil {
					return err
				}
				for _, s := range list {
					state := "active"
					if s.Revoked {
						state = "revoked"
					}
					database := "no database yet"
					if s.Bound {
						database = "its database has synced (release to move it)"
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%-20s %-16s %-8s %s  %s\n", scan.Clean(s.Name), scan.Clean(s.Tenant), state, s.Created.Format("2006-01-02"), database)
				}
				return nil
			})
		},
	}
	return group(&cobra.Command{
		Use:   "station COMMAND",
		Short: "manage the stations allowed to sync",
	}, add, revoke, release, list)
}
