package remind

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dropin/store"
	"dropin/store/remind/smtptest"
)

// BenchmarkRemind1000: 1,000 reminders planned, rendered, handed to an
// SMTP server on loopback one by one, and each recorded as an event as
// the server takes it.
//
//	go test ./store/remind -run '^$' -bench Remind1000 -benchtime 3x
func BenchmarkRemind1000(b *testing.B) {
	ctx := context.Background()
	var csv strings.Builder
	csv.WriteString("Navn;Kommune;Organ;Rolle;Primær e-post;Sekundær e-post;Mobil;Ansatt i kommunen;Nettbrett serienr;Nettbrett modell\n")
	for i := range 1000 {
		fmt.Fprintf(&csv, "Folkevalgt Nr%04d Ærø;Levanger;Kommunestyret;Medlem;f%04d@levanger.kommune.no;f%04d@innherred-samkommune.no;9%07d;Nei;BNCH%06d;iPad\n",
			i, i, i, i, i)
	}
	ros, err := store.ParseRoster(strings.NewReader(csv.String()))
	if err != nil {
		b.Fatal(err)
	}
	srv := smtptest.Start(b, nil)
	m, err := ParseSMTP(srv.URL("it@levanger.kommune.no"))
	if err != nil {
		b.Fatal(err)
	}
	m.PerMin = 1_000_000
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(ctx, filepath.Join(b.TempDir(), "dropin.db"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.Import(ctx, ros, by, false); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		list, err := st.Outstanding(ctx)
		if err != nil {
			b.Fatal(err)
		}
		plan, err := Plan(ctx, st, list, 7*24*time.Hour, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		sum, err := Send(ctx, st, m, BuiltIn("nb"), settings, plan, false, by, nil)
		if err != nil || sum.Sent != 1000 {
			b.Fatalf("%+v %v", sum, err)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

// BenchmarkPlanFirstMorning: the reminder plan for a county's first
// morning, nobody handed in yet: 90,000 to chase on a roster of 100,000
// (store.BenchRoster), each official and what they were sent read. It is
// what stands between p on the Oversikt and its question "send?".
//
//	go test ./store/remind -run '^$' -bench PlanFirstMorning -benchtime 5x
func BenchmarkPlanFirstMorning(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "dropin.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.ImportBenchRoster(ctx, 200_000, by); err != nil {
		b.Fatal(err)
	}
	list, err := st.Outstanding(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		plan, err := Plan(ctx, st, list, 7*24*time.Hour, time.Now())
		if err != nil || len(plan) != 90_000 {
			b.Fatalf("%d planned: %v", len(plan), err)
		}
	}
}
