package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"dropin/store"
	"dropin/store/remind"
	"dropin/store/remind/smtptest"
	"dropin/tui/i18n"
)

func reminding(t *testing.T, srv *smtptest.Server) *Reminding {
	t.Helper()
	m, err := remind.ParseSMTP(srv.URL("it@levanger.kommune.no"))
	if err != nil {
		t.Fatal(err)
	}
	return &Reminding{Mailer: m, Settings: remind.Settings{Place: "1. etasje på rådhuset", Hours: "man–fre 08–15", Deadline: "10. april"},
		Every: 7 * 24 * time.Hour}
}

// From the overview's list to chase: p asks, y sends through a real SMTP
// server to the officials shown, and the list says who was reminded.
func TestRemindFromTheChaseList(t *testing.T) {
	for _, c := range []struct {
		lang                       i18n.Lang
		in                         []string // tablets checked in first
		planning, ask, done, shown string
	}{
		{i18n.Bokmal, nil, "Finner adressene til 2 folkevalgte …", "Sende påminnelse til 2? 0 må ringes, 0 nylig påminnet. y sender, n avbryter",
			"Sendte 2 påminnelser; 0 avvist, 0 må ringes, 0 påminnet nylig.", "påminnet 1 gang, "},
		{i18n.Swedish, nil, "Hämtar adresserna till 2 förtroendevalda …", "Skicka påminnelse till 2? 0 ska ringas, 0 nyss påminda. y skickar, n avbryter",
			"Skickade 2 påminnelser; 0 avvisade, 0 måste ringas, 0 påminda nyligen.", "påmind 1 gång, "},
		// One left to chase in Levanger: one reminder, not "1 reminders".
		{i18n.English, []string{"TJYHCY68QHGJ"}, "Finding the address of 1 official …", "Remind 1 by e-mail? 0 to call, 0 reminded recently. y sends, n cancels",
			"Sent 1 reminder; 0 refused, 0 to call, 0 reminded recently.", "reminded once, "},
	} {
		t.Run(string(c.lang), func(t *testing.T) {
			h := newHarness(t, 80, 24, c.lang)
			smallRoster(t, h.store)
			for _, serial := range c.in {
				if _, err := h.store.CheckIn(context.Background(), serial, store.Actor{Station: "skranke-1", Staff: "KN"}); err != nil {
					t.Fatal(err)
				}
			}
			h.special('\t')
			h.press("p")
			if h.m.flash.kind != flashError || !strings.Contains(h.m.flash.text, "--smtp") {
				t.Fatalf("no mail server: %q", h.m.flash.text)
			}
			srv := smtptest.Start(t, nil)
			h.m.c.remind = reminding(t, srv)
			h.press("m") // Levanger: two to chase
			// While the plan is read (a county's takes a second), the
			// flash line says so; the question then takes its place.
			var planning string
			if batch, ok := h.m.overview.askRemind()().(tea.BatchMsg); ok {
				if f, ok := batch[0]().(flashMsg); ok {
					planning = f.text
				}
			}
			if planning != c.planning {
				t.Fatalf("while planning: %q, want %q", planning, c.planning)
			}
			h.press("p")
			h.wantScreen(c.ask)
			if h.m.flash.text != "" {
				t.Fatalf("the question is asked, the flash still says %q", h.m.flash.text)
			}
			h.fitsTheTerminal(80, 24)
			// Narrower, the question wraps: its end says which key cancels.
			h.send(tea.WindowSizeMsg{Width: 60, Height: 24})
			h.wantScreen(c.ask[strings.LastIndex(c.ask, ", ")+2:]) // "n avbryter"
			h.fitsTheTerminal(60, 24)
			h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
			if len(srv.Messages()) != 0 {
				t.Fatal("sent before the yes")
			}
			h.press("n")
			h.press("p")
			h.press("y")
			h.wantScreen(c.done, "✉ ") // at 80 columns the list marks who was reminded; the card says it whole
			h.fitsTheTerminal(80, 24)
			got := srv.Messages()
			if len(got) != 2-len(c.in) {
				t.Fatalf("the server has %d messages", len(got))
			}
			for _, m := range got {
				if !strings.HasSuffix(m.To[0], "@innherred-samkommune.no") {
					t.Errorf("a reminder to %s, not the secondary account", m.To[0])
				}
			}
			// Again at once: nobody is mailed twice.
			h.press("p")
			h.press("y")
			if n := len(srv.Messages()); n != len(got) {
				t.Fatalf("a second run sent %d more", n-len(got))
			}
			// The card says so too.
			ov, _ := h.store.Outstanding(context.Background())
			for _, o := range ov {
				if o.Municipality == "Levanger" && o.Reminded == 1 {
					h.scan(o.Serial)
					break
				}
			}
			h.wantScreen(c.shown)
		})
	}
}
