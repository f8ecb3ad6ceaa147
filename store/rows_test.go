package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A gathered row that cannot be written fails its transaction whole:
// the read that would have seen it fails, so does the commit, nothing of
// the transaction is written, the error says why, and the desk goes on
// writing.
func TestAGatheredRowThatFailsFailsItsTransaction(t *testing.T) {
	for _, missed := range []bool{true, false} {
		t.Run(map[bool]string{true: "a caller that missed the read's error", false: "a caller that returned it"}[missed], func(t *testing.T) {
			gatheredRowThatFails(t, missed)
		})
	}
}

func gatheredRowThatFails(t *testing.T, missed bool) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseString(t, header+
		"Kari Nordmann;Levanger;Kommunestyret;Medlem;kari@levanger.kommune.no;;11111111;Nei;KARI00001;iPad\r\n"), false)
	events := countEvents(t, s)
	err := s.inGatheringTx(ctx, func(tx wtx) error {
		e := s.newEvent(desk, KindOfficial, "ny@levanger.kommune.no", 0, "", officialPayload{V: 1, Official: Official{Name: "Ny"}})
		if err := insertEvent(ctx, tx, e); err != nil {
			return err
		}
		// Taken for new though the desk has her: her row cannot go in.
		if err := saveOfficial(ctx, tx, Official{ID: "kari@levanger.kommune.no", Name: "Kari"}, true); err != nil {
			return err
		}
		var n int
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM officials`).Scan(&n)
		if err == nil {
			t.Error("a read went on after the rows before it could not be written")
		}
		if missed {
			return nil
		}
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("the transaction: %v, want the gathered row's failure", err)
	}
	var n int
	if err := s.read.QueryRow(`SELECT count(*) FROM events`).Scan(&n); err != nil || n != events {
		t.Fatalf("%d events written by a transaction that failed (%v)", n-events, err)
	}
	// (A transaction left open would hold the one writer: the step would wait for ever.)
	next, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := s.CheckIn(next, "KARI00001", desk); err != nil {
		t.Fatalf("the next step: %v", err)
	}
}

// A hot statement first run in a transaction with a context already done
// is not kept bound to it that way: run again with a live context, in the
// same transaction, it answers.
func TestAStatementFirstRunWithADoneContextRunsLater(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	tx, err := s.begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	done, cancel := context.WithCancel(ctx)
	cancel()
	var cursor int64
	if err := tx.QueryRowContext(done, cursorSQL).Scan(&cursor); err == nil {
		t.Fatal("read with a done context")
	}
	if err := tx.QueryRowContext(ctx, cursorSQL).Scan(&cursor); err != nil {
		t.Fatalf("the same statement with a live context: %v", err)
	}
}
