package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// KindSigned records an official's signature on a receipt (subject: the
// tablet's serial).
// Signature is what signing a receipt records. Content and Token are the
// receipt re-issued with the signature on it.
type Signature struct {
	ContentSHA256 string          // of the receipt as signed
	Signer        string          // the official
	Method        string          // "pad" or "typed"
	Strokes       json.RawMessage // the drawing, as vectors; null when typed
	Content       json.RawMessage // the receipt re-issued, signed
	Token         string
}

// ErrSigned: the receipt is already signed.
var ErrSigned = errors.New("the receipt is already signed")

// SignReceipt records a signature on a station's receipt and re-issues the
// receipt with it, in one transaction. sign gets the receipt as stored.
func (s *Store) SignReceipt(ctx context.Context, station string, number int, by Actor, sign func(ReceiptRecord) (Signature, error)) (ReceiptRecord, error) {
	var out ReceiptRecord
	err := s.inTx(ctx, func(tx wtx) error {
		recs, err := queryReceipts(ctx, tx, `SELECT `+receiptColumns+` FROM receipts WHERE station = ? AND number = ?`, station, number)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return ErrNoReceipt
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM signatures WHERE station = ? AND number = ?`, station, number).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrSigned
		}
		sig, err := sign(recs[0])
		if err != nil {
			return err
		}
		e := s.newEvent(by, KindSigned, recs[0].Serial, 0, "", signedPayload{V: 1, Station: station, Number: number,
			SHA256: sig.ContentSHA256, Signer: sig.Signer, Method: sig.Method, Strokes: sig.Strokes, Content: sig.Content, Token: sig.Token})
		if err := insertEvent(ctx, tx, e); err != nil {
			return err
		}
		if err := saveSigned(ctx, tx, e); err != nil {
			return err
		}
		out = recs[0]
		out.Token, out.Content = sig.Token, sig.Content
		return nil
	})
	return out, err
}

// saveSigned projects a signature: its row, and the re-issued receipt.
func saveSigned(ctx context.Context, tx wtx, e Event) error {
	p, err := readPayload[signedPayload](e)
	if err != nil {
		return err
	}
	var strokes any
	if len(p.Strokes) > 0 && string(p.Strokes) != "null" {
		strokes = string(p.Strokes)
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO signatures
  (station, number, serial, content_sha256, signer, method, strokes, signed_hlc, sign_station, staff, event_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Station, p.Number, e.Subject, p.SHA256, p.Signer, p.Method, strokes,
		int64(e.HLC), e.Station, e.Actor, e.ID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE receipts SET token = ?, content = ? WHERE station = ? AND number = ?`,
		p.Token, string(p.Content), p.Station, p.Number)
	return err
}

// SignatureRecord is a stored signature.
type SignatureRecord struct {
	Station, Serial, ContentSHA256, Signer, Method string
	Number                                         int
	Strokes                                        json.RawMessage // nil once purged
	Signed                                         time.Time
	SignStation, Staff                             string
}

// SignatureOf returns the signature on a receipt, if any.
func (s *Store) SignatureOf(ctx context.Context, station string, number int) (*SignatureRecord, error) {
	r := SignatureRecord{Station: station, Number: number}
	var strokes sql.NullString
	var hlc int64
	err := s.read.QueryRowContext(ctx, `SELECT serial, content_sha256, signer, method, strokes, signed_hlc, sign_station, staff
FROM signatures WHERE station = ? AND number = ?`, station, number).Scan(&r.Serial, &r.ContentSHA256, &r.Signer, &r.Method, &strokes, &hlc, &r.SignStation, &r.Staff)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if strokes.Valid {
		r.Strokes = json.RawMessage(strokes.String)
	}
	r.Signed = HLC(hlc).Time()
	return &r, nil
}

// PurgeSignatures removes the strokes of signatures made before a time,
// from the log and the tables alike, keeping the fact that each receipt
// was signed, by whom and what it bound. It returns the receipts touched,
// whose files should be rendered again.
func (s *Store) PurgeSignatures(ctx context.Context, before time.Time) ([]ReceiptRecord, error) {
	var out []ReceiptRecord
	err := s.inTx(ctx, func(tx wtx) error {
		type key struct {
			station string
			number  int
		}
		keys, err := queryRows(ctx, tx, func(row scanFunc) (key, error) {
			var k key
			return k, row(&k.station, &k.number)
		}, `SELECT station, number FROM signatures WHERE strokes IS NOT NULL AND signed_hlc < ?`, int64(hlcAt(before)))
		if err != nil {
			return err
		}
		for _, k := range keys {
			// The log is append-only, except here: personal data is
			// removed where it is, and the event keeps everything else.
			for _, q := range []string{
				`UPDATE events SET payload = json_remove(payload, '$.strokes', '$.content.Strokes')
				 WHERE kind = 'signed' AND json_extract(payload, '$.station') = ? AND json_extract(payload, '$.number') = ?`,
				`UPDATE signatures SET strokes = NULL WHERE station = ? AND number = ?`,
				`UPDATE receipts SET content = json_remove(content, '$.Strokes') WHERE station = ? AND number = ?`,
			} {
				if _, err := tx.ExecContext(ctx, q, k.station, k.number); err != nil {
					return fmt.Errorf("purge %s %d: %w", k.station, k.number, err)
				}
			}
			recs, err := queryReceipts(ctx, tx, `SELECT `+receiptColumns+` FROM receipts WHERE station = ? AND number = ?`, k.station, k.number)
			if err != nil {
				return err
			}
			out = append(out, recs...)
		}
		return nil
	})
	return out, err
}
