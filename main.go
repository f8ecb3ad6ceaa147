// Command dropin is the drop-in IT desk for elected officials' tablets:
// check tablets in by serial, move them through their upgrade, and export
// the picture for the secretariat. Its commands are in tui/cli; run
// `dropin --help` for them.
package main

import (
	"context"
	"os"

	"dropin/tui/cli"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func main() {
	os.Exit(cli.Run(context.Background(), version, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}
