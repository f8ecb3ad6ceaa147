package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"dropin/store"
	"dropin/tui/i18n"
)

// What a user reads comes from the catalog: no parser's or network's
// English under nb and sv (issue 21, item 14).
func TestNoEnglishUnderBokmalAndSwedish(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.Bokmal, i18n.Swedish} {
		c := i18n.New(lang)
		unreachable := fmt.Errorf("%w: %w", store.ErrUnreachable, errors.New("dial tcp 127.0.0.1:1: connect: connection refused"))
		central := fmt.Errorf("%w: 503 Service Unavailable: could not store the events", store.ErrCentral)
		for _, err := range []error{unreachable, central} {
			if got := SyncErrorText(c, err); strings.Contains(got, "dial tcp") || strings.Contains(got, "Service Unavailable") || strings.Contains(got, "central store") {
				t.Errorf("%s: %q", lang, got)
			}
		}
		for _, code := range store.CSVProblems {
			got := RowErrorText(c, store.RowError{Line: 2, Problem: store.RowUnreadable, Value: code})
			if strings.Contains(got, "⟨") || strings.Contains(got, code) {
				t.Errorf("%s: %q", lang, got)
			}
		}
	}
}

func TestImportSaysWhyARowIsNotCSV(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	path := t.TempDir() + "/quote.csv"
	os.WriteFile(path, []byte("Navn;Organ;Primær e-post;Nettbrett serienr\nKa\"ri;KS;kari@levanger.kommune.no;AB12345678\n"), 0o600)
	h.m.screen = screenImport
	h.run(h.m.importer.open())
	h.press(path)
	h.special('\r')
	h.wantScreen("1 rad har feil.", "linje 2: kan ikke leses som CSV (et anførselstegn midt i et felt", "anførselstegn)")
}

// At 80 columns a row's error wraps: the value that is wrong, at its
// end, is on screen (issue 21, item 17).
func TestImportErrorsWrapAt80(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	path := t.TempDir() + "/long.csv"
	os.WriteFile(path, []byte("Navn;Organ;Primær e-post;Nettbrett serienr\n"+
		"Kari Nordmann Hansen med et veldig langt navn;Kommunestyret;kari@levanger.kommune.no;AB12\n"), 0o600)
	h.m.screen = screenImport
	h.run(h.m.importer.open())
	h.press(path)
	h.special('\r')
	h.wantScreen("rad 2: Kari Nordmann Hansen", "”AB12”")
	h.fitsTheTerminal(80, 24)
}

// The employees' track on a timeline is its own word, not "on".
func TestEmployeeTrackOnTheTimeline(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	smallRoster(t, h.store)
	ctx := context.Background()
	if _, err := h.store.Step(ctx, "TJYHCY68QHGJ", store.KindEmployee, store.Input{On: true}, h.m.c.actor()); err != nil {
		t.Fatal(err)
	}
	c, err := h.store.Card(ctx, "TJYHCY68QHGJ")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range c.Timeline {
		if e.Kind == store.KindEmployee {
			found = true
			if got := i18n.New(i18n.Bokmal).Entry(e); got != "ansattløp" {
				t.Fatalf("the timeline says %q", got)
			}
		}
	}
	if !found {
		t.Fatal("no employees' track on the timeline")
	}
}

// A push refused for another station's events names both stations, so
// the desk knows which token it needs; what the service sent is cleaned
// before it reaches the terminal. A service that names neither gets the
// general words.
func TestAForeignRefusalNamesTheStations(t *testing.T) {
	c := i18n.New(i18n.Bokmal)
	err := fmt.Errorf("push: %w", &store.ForeignEventsError{Token: "levanger-2", Event: "levanger-1\x1b[2J"})
	got := SyncErrorText(c, err)
	if !strings.Contains(got, "tokenet er for levanger-2, og denne databasen har hendelser fra levanger-1. Gi skranken tokenet for levanger-1") || strings.Contains(got, "\x1b") {
		t.Errorf("named: %q", got)
	}
	if got := SyncErrorText(c, &store.ForeignEventsError{}); got != c.T("sync.foreign") {
		t.Errorf("unnamed: %q", got)
	}
}

// A report keeps its days as yyyy-mm-dd and its meetings as "body day";
// shown, each day is written as the language writes a date, and what is
// not a day is shown as it is, cleaned.
func TestReportDaysAreWrittenAsTheLanguageWritesThem(t *testing.T) {
	for _, c := range []struct {
		lang             i18n.Lang
		day, short, meet string
	}{
		{i18n.Bokmal, "07.12.2026", "7.12.", "Kommunestyret 14.04.2026"},
		{i18n.Swedish, "2026-12-07", "7/12", "Kommunestyret 2026-04-14"},
		{i18n.English, "7 Dec 2026", "7 Dec", "Kommunestyret 14 Apr 2026"},
	} {
		t.Run(string(c.lang), func(t *testing.T) {
			tr := i18n.New(c.lang)
			if got := DayText(tr, "2026-12-07", false); got != c.day {
				t.Errorf("day %q, want %q", got, c.day)
			}
			if got := DayText(tr, "2026-12-07", true); got != c.short {
				t.Errorf("short day %q, want %q", got, c.short)
			}
			if got := MeetingText(tr, "Kommunestyret 2026-04-14"); got != c.meet {
				t.Errorf("meeting %q, want %q", got, c.meet)
			}
			if got := MeetingText(tr, "Råd for eldre \x1b[31m"); got != "Råd for eldre " {
				t.Errorf("not a meeting's key: %q", got)
			}
		})
	}
}

// One visit is "1 visit" in English; the Scandinavian word is the same
// for one and many.
func TestOneVisitIsSingular(t *testing.T) {
	en, nb := i18n.New(i18n.English), i18n.New(i18n.Bokmal)
	if got := en.T(i18n.One("visit.report.counts", 1), 1, 1, 0, 0); got != "1 visit · 1 served · 0 left · 0 at meetings" {
		t.Errorf("en: %q", got)
	}
	if got := en.T(i18n.One("visit.report.spread", 2), "1 min", "2 min", 2); got != "median 1 min, 90 % within 2 min (2 visits)" {
		t.Errorf("en, two: %q", got)
	}
	if got := nb.T(i18n.One("visit.report.counts", 1), 1, 1, 0, 0); got != "1 besøk · 1 tatt imot · 0 gikk · 0 på møter" {
		t.Errorf("nb: %q", got)
	}
}

// A second database synced as a station the central store knows from
// another is told what happened and the two ways out, with the station's
// name as the command needs it; the status bar says it short.
func TestAnotherDatabaseAsTheStationIsSaidInWords(t *testing.T) {
	err := fmt.Errorf("push: %w", &store.OtherDatabaseError{Station: "skranke 1"})
	got := SyncErrorText(i18n.New(i18n.Bokmal), err)
	if !strings.Contains(got, "kjenner stasjonen skranke 1 fra en annen database") || !strings.Contains(got, "dropin serve station release 'skranke 1'") {
		t.Errorf("said: %q", got)
	}
	h := newHarness(t, 120, 36, i18n.Swedish)
	h.m.sync.on = true
	h.send(syncedMsg{err: err, at: time.Now()})
	h.wantScreen("synk avvisad: en annan databas är stationen")
}

// A batch step refused for serials the batch does not hold names them in
// the desk's words, cleaned, and no English around them.
func TestABatchStepRefusedNamesTheSerials(t *testing.T) {
	c := i18n.New(i18n.Bokmal)
	err := fmt.Errorf("upgraded: %w", &store.NotInBatchError{Serials: []string{"ABC123\x1b[2J", "DEF456"}})
	if got := BatchErrorText(c, err); got != "Ikke i bunken: ABC123, DEF456" {
		t.Errorf("said: %q", got)
	}
	if got := BatchErrorText(c, store.ErrBatchClosed); got != "Bunken er lukket." {
		t.Errorf("closed: %q", got)
	}
}
