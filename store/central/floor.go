package central

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"dropin/store/wire"
)

// CopyFloor is the floor a push and a pull are measured against: evs
// written as tenant's, numbered from 1, into a new table like the events
// table with one raw COPY of the rows a push writes (no HTTP, no checks,
// no numbering). It returns the COPY's time alone: the rows are made
// before it starts, and the table is dropped after.
func (c *Central) CopyFloor(ctx context.Context, tenant string, evs []wire.Event) (time.Duration, error) {
	rows := make([][]any, len(evs))
	for i, e := range evs {
		rows[i] = eventRow(tenant, int64(i+1), e)
	}
	table := pgx.Identifier{"copy_floor_" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	if _, err := c.pool.Exec(ctx, `CREATE TABLE `+table.Sanitize()+` (LIKE events INCLUDING ALL)`); err != nil {
		return 0, err
	}
	defer c.pool.Exec(context.WithoutCancel(ctx), `DROP TABLE `+table.Sanitize())
	start := time.Now()
	_, err := c.pool.CopyFrom(ctx, table, eventColumns, pgx.CopyFromRows(rows))
	return time.Since(start), err
}
