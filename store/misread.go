package store

import (
	"context"
	"database/sql"
	"fmt"
)

// Misread refuses a read that no device has and that is, most likely, a
// known serial cut off by the scanner: it is never registered as a new
// device. Likely is the known serial it probably is.
type Misread struct {
	Read, Likely string
}

func (m *Misread) Error() string {
	return fmt.Sprintf("%s is most likely a cut-off read of %s", m.Read, m.Likely)
}

// makerPrefix is how many leading characters tell a maker's serials
// apart (Samsung's R52…, an Apple series' DMP…).
const makerPrefix = 3

// misread returns a *Misread when serial, which no device has, is a
// cut-off read of a serial that one has: the beginning of a known serial,
// or shorter than every known serial that shares its first characters
// (its maker's format; at least two of them, so one odd serial is no
// format). It returns nil for a serial that may be a new device.
func misread(ctx context.Context, q querier, serial string) error {
	var likely string
	err := q.QueryRowContext(ctx, `SELECT serial FROM devices WHERE serial > ? AND serial < ? ORDER BY serial LIMIT 1`,
		serial, serial+"\x7f").Scan(&likely)
	switch {
	case err == nil:
		return &Misread{Read: serial, Likely: likely}
	case err != sql.ErrNoRows:
		return fmt.Errorf("misread %s: %w", serial, err)
	}
	if len(serial) <= makerPrefix {
		return nil
	}
	same, err := queryStrings(ctx, q, `SELECT serial FROM devices WHERE serial >= ? AND serial < ? LIMIT 200`,
		serial[:makerPrefix], serial[:makerPrefix]+"\x7f")
	if err != nil {
		return fmt.Errorf("misread %s: %w", serial, err)
	}
	best := 0
	for _, known := range same {
		if len(known) <= len(serial) {
			return nil // the maker has serials this short: it may be new
		}
		if c := commonPrefix(known, serial); c > best {
			best, likely = c, known
		}
	}
	if len(same) < 2 {
		return nil
	}
	return &Misread{Read: serial, Likely: likely}
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
