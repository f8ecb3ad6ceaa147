package store

import "context"

// scanFunc reads the columns of one row into dest, as sql.Rows.Scan does.
type scanFunc = func(dest ...any) error

// queryRows runs a read and makes a T of each row with read: the one loop
// over rows, which closes them and returns their error.
func queryRows[T any](ctx context.Context, q querier, read func(row scanFunc) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	err := eachRow(ctx, q, func(row scanFunc) error {
		v, err := read(row)
		if err == nil {
			out = append(out, v)
		}
		return err
	}, query, args...)
	return out, err
}

// eachRow runs a read and hands each row to fn, for reads that stream
// (exports) or fold their rows into something else; an error from fn
// stops the read and is returned.
func eachRow(ctx context.Context, q querier, fn func(row scanFunc) error, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryStrings reads a one-column list of text.
func queryStrings(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	return queryRows(ctx, q, func(row scanFunc) (string, error) {
		var s string
		return s, row(&s)
	}, query, args...)
}
