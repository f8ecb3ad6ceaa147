package central_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"dropin/store"
	"dropin/store/remind"
)

// A reminder is an event like any other: once the desk that sent it has
// synced, another desk sees it on the official and its own run leaves
// them alone, so two desks cannot mail the same official twice.
func TestRemindersSyncSoNobodyIsMailedTwice(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	url := serve(t, c)
	a := newStation(t, c, "levanger-1", "innherred")
	b := newStation(t, c, "levanger-2", "innherred")
	ros, err := store.ParseRoster(strings.NewReader(rosterOf(3)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Import(ctx, ros, a.by, false); err != nil {
		t.Fatal(err)
	}
	if err := a.st.Reminded(ctx, "p1@levanger.kommune.no", "email", "p1@innherred-samkommune.no", "built-in nb", a.by); err != nil {
		t.Fatal(err)
	}
	for _, s := range []*station{a, b} {
		if _, err := s.st.Sync(ctx, url, s.token, nil); err != nil {
			t.Fatal(err)
		}
	}
	rem, err := b.st.RemindersOf(ctx, "p1@levanger.kommune.no")
	if err != nil || rem.Count != 1 || rem.Address != "p1@innherred-samkommune.no" {
		t.Fatalf("the other desk sees %+v %v", rem, err)
	}
	list, _ := b.st.Outstanding(ctx)
	plan, err := remind.Plan(ctx, b.st, list, 7*24*time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range plan {
		if r.Official.ID == "p1@levanger.kommune.no" && !r.Recent {
			t.Fatal("the other desk would mail p1 again")
		}
	}
	fa, _ := a.st.Fingerprint(ctx)
	fb, _ := b.st.Fingerprint(ctx)
	if fa != fb {
		t.Fatal("the desks differ after syncing a reminder")
	}
}
