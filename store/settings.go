package store

import (
	"context"
	"database/sql"
	"fmt"
)

// The station's settings, as the Innstillinger screen saves them.
const (
	SettingPrinter = "printer" // the CUPS queue receipts print on
	SettingPaper   = "paper"   // a4 or slip
	SettingCentral = "central" // the sync service's URL
	SettingToken   = "token"   // this station's token there
	SettingStation = "station" // the station this database is (ClaimStation)
)

// ClaimStation makes name this database's station if it has none, and
// returns the station the database is: name, or the one it already was.
// A database is one station's: the central store takes from a station
// only events of its own name.
func (s *Store) ClaimStation(ctx context.Context, name string) (string, error) {
	var have string
	err := s.inTx(ctx, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, SettingStation, name); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, SettingStation).Scan(&have)
	})
	if err != nil {
		return "", fmt.Errorf("station: %w", err)
	}
	return have, nil
}

// Setting returns a station setting, or "" when it is not set.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("setting %s: %w", key, err)
	}
	return v, nil
}

// SetSettings saves station settings in one transaction.
func (s *Store) SetSettings(ctx context.Context, kv map[string]string) error {
	return s.inTx(ctx, func(tx wtx) error {
		for k, v := range kv {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
				return fmt.Errorf("setting %s: %w", k, err)
			}
		}
		return nil
	})
}
