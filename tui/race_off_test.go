//go:build !race

package tui

import "time"

// cmdCutoff is how long the harness waits for a command before taking
// it for a timer (see harness.run).
const cmdCutoff = time.Second
