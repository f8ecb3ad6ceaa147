//go:build race

package tui

import "time"

// cmdCutoff: under the race detector the store's work runs many times
// slower, and a receipt's files can take over a second; the desk's
// timers (the roster's rescan at 3 s, the refresh at 30 s) still take
// longer than this.
const cmdCutoff = 2900 * time.Millisecond
