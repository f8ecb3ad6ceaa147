package cli

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dropin/store/remind/smtptest"
)

// dropin remind: the dry run names every recipient, the address and why,
// those to call, and the message; nothing is sent. The real run mails
// each through the server once; the export lists them for SMS.
func TestRemindCommand(t *testing.T) {
	dir, here := t.TempDir(), wd(t)
	c := &cli{t: t, db: filepath.Join(dir, "dropin.db")}
	c.do(0, "import", filepath.Join(here, "../../store/testdata/roster-levanger.csv"))
	desk := []string{"--remind-place", "1. etasje på rådhuset", "--remind-hours", "man–fre 08–15"}

	// Every field the message needs and nobody set is named in one go.
	c.do(1, "remind", "--dry-run")
	for _, want := range []string{"dropin: Meldingen bruker {place}, men den er ikke satt: gi --remind-place (eller DROPIN_REMIND_PLACE).\n",
		"\ndropin: Meldingen bruker {hours}, men den er ikke satt: gi --remind-hours", "\ndropin: Meldingen bruker {deadline}, men den er ikke satt: gi --remind-deadline"} {
		if !strings.Contains(c.errb.String(), want) {
			t.Errorf("nothing set: %q lacks %q", c.errb.String(), want)
		}
	}
	if got := c.do(1, append([]string{"remind", "--dry-run", "--body", "Kontrollutvalget"}, desk...)...); got != "" ||
		!strings.Contains(c.errb.String(), "Meldingen bruker {deadline}, men den er ikke satt: gi --remind-deadline") {
		t.Fatalf("no deadline: %q", c.errb.String())
	}
	desk = append(desk, "--remind-deadline", "10. april")
	out := c.do(0, append([]string{"remind", "--dry-run", "--body", "Kontrollutvalget"}, desk...)...)
	for _, want := range []string{"Påminnelse til 4 folkevalgte (kommune: alle · organ: Kontrollutvalget)",
		"@innherred-samkommune.no", "sekundærkontoen: nettbrettet er ikke oppgradert ennå", "4 sendes, 0 må ringes, 0 påminnet nylig.",
		"Prøvekjøring: ingenting er sendt. Slik blir meldingen til", "Emne: Lever nettbrettet ditt på IT-skranken innen 10. april",
		"Kom innom drop-in-skranken: 1. etasje på rådhuset, man–fre 08–15."} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}

	// The filters are the roster's names, whatever the case; one it does
	// not have is said so, with what it has, not "nobody to remind".
	if out := c.do(0, append([]string{"remind", "--dry-run", "--municipality", "levanger", "--body", "KONTROLLUTVALGET"}, desk...)...); !strings.Contains(out, "Påminnelse til 4 folkevalgte (kommune: Levanger · organ: Kontrollutvalget)") {
		t.Fatalf("filters in another case:\n%s", out)
	}
	c.do(1, append([]string{"remind", "--dry-run", "--body", "Kontrollutvalg"}, desk...)...)
	if !strings.Contains(c.errb.String(), "Listen har ikke organet «Kontrollutvalg». Den har: Eldrerådet, Formannskapet,") {
		t.Fatalf("an unknown body: %q", c.errb.String())
	}

	bad := filepath.Join(dir, "mal.txt")
	os.WriteFile(bad, []byte("Subject: Hei {name}\n\nKom til {plass}.\n"), 0o600)
	c.do(1, append([]string{"remind", "--dry-run", "--template", bad}, desk...)...)
	if !strings.Contains(c.errb.String(), "mal.txt linje 3: ukjent felt {plass}") {
		t.Fatalf("unknown field: %q", c.errb.String())
	}
	c.do(1, append([]string{"remind", "--body", "Kontrollutvalget"}, desk...)...)
	if !strings.Contains(c.errb.String(), "Ingen e-posttjener er satt") {
		t.Fatalf("no server: %q", c.errb.String())
	}

	// A server that does not answer is said so in the desk's words, its
	// password hidden.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := l.Addr().String()
	l.Close()
	c.do(1, append([]string{"remind", "--body", "Kontrollutvalget", "--smtp", "smtp://it:hemmelig@" + down + "?from=it@levanger.kommune.no"}, desk...)...)
	if got := c.errb.String(); !strings.HasPrefix(got, "dropin: Får ikke kontakt med e-postserveren (smtp://it:xxxxx@"+down+"): ") ||
		!strings.Contains(got, "Det som ble sendt, er registrert; kjør igjen for resten.") || strings.Contains(got, "hemmelig") || strings.Contains(got, "cannot be reached") {
		t.Fatalf("a server that does not answer: %q", got)
	}

	srv := smtptest.Start(t, nil)
	out = c.do(0, append([]string{"remind", "--body", "Kontrollutvalget", "--smtp", srv.URL("it@levanger.kommune.no")}, desk...)...)
	if !strings.Contains(out, "Sendte 4 påminnelser; 0 avvist, 0 må ringes, 0 påminnet nylig.") || len(srv.Messages()) != 4 {
		t.Fatalf("sent %d:\n%s", len(srv.Messages()), out)
	}
	if strings.Contains(out+c.errb.String(), smtptest.Password) {
		t.Fatal("the password was shown")
	}
	out = c.do(0, append([]string{"remind", "--body", "Kontrollutvalget", "--smtp", srv.URL("it@levanger.kommune.no")}, desk...)...)
	if !strings.Contains(out, "Sendte 0 påminnelser; 0 avvist, 0 må ringes, 4 påminnet nylig.") || len(srv.Messages()) != 4 {
		t.Fatalf("a second run mailed again:\n%s", out)
	}
	out = c.do(0, append([]string{"remind", "--dry-run", "--body", "Kontrollutvalget", "--remind-every", "1"}, desk...)...)
	if !strings.Contains(out, ", ikke igjen før om 1 dag (--force sender likevel)") {
		t.Fatalf("reminded today, every day: one day to wait:\n%s", out)
	}

	xlsx := filepath.Join(dir, "sms.xlsx")
	c.do(0, "export", "reminders", "--excel", "-o", xlsx)
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Påminnelser")
	reminded := 0
	for _, r := range rows[1:] {
		if len(r) > 7 && r[6] == "1" && r[7] != "" {
			reminded++
		}
	}
	if rows[0][4] != "adresse" || reminded != 4 || len(rows) < 20 {
		t.Fatalf("the reminders list: header %q, %d reminded, %d rows", rows[0], reminded, len(rows))
	}
}
