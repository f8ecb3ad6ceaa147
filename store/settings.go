package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
)

// The station's settings, as the Innstillinger screen saves them.
const (
	SettingPrinter = "printer" // the CUPS queue receipts print on
	SettingPaper   = "paper"   // a4 or slip
	SettingCentral = "central" // the sync service's URL
	SettingToken   = "token"   // this station's token there
	SettingStation = "station" // the station this database is (ClaimStation)
	// SettingInstance is this database's own random id (Instance). The
	// central store binds a station to the database that first syncs as
	// it, so a second database given the same name and token is refused
	// before its receipts and the first's, numbered alike, overwrite each
	// other.
	SettingInstance = "instance"
)

// Instance returns this database's id, made the first time it is asked
// for and kept in the database: a copy restored from a backup is the
// same database, a new one for the same station is not.
func (s *Store) Instance(ctx context.Context) (string, error) {
	if have, err := s.Setting(ctx, SettingInstance); err != nil || have != "" {
		return have, err // made already: no write, no lock the desk waits on
	}
	var b [16]byte
	rand.Read(b[:])
	var have string
	err := s.inTx(ctx, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, SettingInstance, hex.EncodeToString(b[:])); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, SettingInstance).Scan(&have)
	})
	if err != nil {
		return "", fmt.Errorf("instance: %w", err)
	}
	return have, nil
}

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
