package remind

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"mime"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dropin/store"
	"dropin/store/remind/smtptest"
)

func startMailbox(t *testing.T, cert *tls.Certificate) *smtptest.Server {
	return smtptest.Start(t, cert)
}

func mailerOf(t *testing.T, mb *smtptest.Server) Mailer {
	t.Helper()
	m, err := ParseSMTP(mb.URL("it@levanger.kommune.no"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// levanger is a desk with the secretariat's roster and a batch of the
// pile handed in: the rest are to chase.
func levanger(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "dropin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.ImportFile(ctx, "../testdata/roster-levanger.csv", by, false); err != nil {
		t.Fatal(err)
	}
	return st
}

var by = store.Actor{Station: "skranke-1", Staff: "KN"}

var settings = Settings{Place: "1. etasje på rådhuset", Hours: "man–fre 08–15", Deadline: "10. april"}

func chase(t *testing.T, st *store.Store, f store.ChaseFilter) []store.Chase {
	t.Helper()
	list, err := st.Outstanding(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return store.MatchChase(list, f, nil)
}

func TestChooseTheAddressTheyReadNow(t *testing.T) {
	o := store.Official{EmailPrimary: "kari@levanger.kommune.no", EmailSecondary: "kari@innherred-samkommune.no"}
	for _, c := range []struct {
		o    store.Official
		step store.Status
		addr string
		why  Why
	}{
		{o, store.Expected, "kari@innherred-samkommune.no", WhySecondary},
		{o, store.Upgrading, "kari@innherred-samkommune.no", WhySecondary},
		{o, store.Upgraded, "kari@levanger.kommune.no", WhyPrimary},
		{o, store.FirstLogin, "kari@levanger.kommune.no", WhyPrimary},
		{store.Official{EmailPrimary: "kari@levanger.kommune.no"}, store.Expected, "", WhyNoAddress},
		{store.Official{EmailSecondary: "kari@innherred\r\nBcc: x@evil.example"}, store.Expected, "", WhyBadAddress},
		{store.Official{EmailSecondary: "Kari <kari@innherred-samkommune.no>"}, store.Expected, "", WhyBadAddress},
		{store.Official{EmailSecondary: "ikke en adresse"}, store.Expected, "", WhyBadAddress},
	} {
		addr, why := Choose(c.o, c.step)
		if addr != c.addr || why != c.why {
			t.Errorf("%+v at %s: %q %s, want %q %s", c.o, c.step, addr, why, c.addr, c.why)
		}
	}
}

func TestTemplates(t *testing.T) {
	r := Recipient{Official: store.Official{Name: "Åse Ærø", Municipality: "Levanger"}, Serials: []string{"TAB1"}, Models: []string{"iPad"},
		Address: "ase@innherred-samkommune.no"}
	for _, lang := range []string{"nb", "sv", "en"} {
		subject, body := Render(BuiltIn(lang), settings, r)
		for _, want := range []string{"Åse Ærø", "TAB1", "iPad", "ase@innherred-samkommune.no", "1. etasje på rådhuset", "man–fre 08–15", "10. april"} {
			if !strings.Contains(subject+body, want) {
				t.Errorf("%s: the reminder lacks %q", lang, want)
			}
		}
		if !strings.Contains(subject, "10. april") || strings.Contains(body, "{") {
			t.Errorf("%s: %q\n%s", lang, subject, body)
		}
	}
	_, err := ParseTemplate("påminnelse.txt", strings.NewReader("Subject: Hei {name}\n\nKom innom {place}.\nTa med {nmae}.\n"))
	var te *TemplateError
	if !errors.As(err, &te) || te.Line != 4 || te.Field != "nmae" || !strings.Contains(err.Error(), "påminnelse.txt line 4: unknown field {nmae}") {
		t.Fatalf("unknown field: %v", err)
	}
	if _, err := ParseTemplate("x.txt", strings.NewReader("Hei {name}\n")); !errors.As(err, &te) || te.Line != 1 {
		t.Fatalf("no subject line: %v", err)
	}
	tp, err := ParseTemplate("x.txt", strings.NewReader("Subject: {{ikke et felt} {name}\n\nA\n"))
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := tp.Render(map[string]string{"name": "Eve\r\nBcc: evil@example.com"}); s != "{ikke et felt} Eve Bcc: evil@example.com" {
		t.Fatalf("rendered subject %q", s)
	}
}

// Reminders go through a real SMTP conversation: each to the address the
// official reads now, in UTF-8, each recorded once the server took it; a
// second run sends nobody a second mail, unless forced.
func TestRemindersThroughSMTP(t *testing.T) {
	ctx := context.Background()
	st := levanger(t)
	// One official with no secondary account, one with a name that tries
	// to add a header.
	for _, o := range []store.Official{
		{ID: "nosec@levanger.kommune.no", Name: "Uten Sekundær", Municipality: "Levanger", EmailPrimary: "nosec@levanger.kommune.no", Phone: "90000001",
			Seats: []store.Seat{{Body: "Kommunestyret"}}},
		{ID: "eve@levanger.kommune.no", Name: "Eve\r\nBcc: evil@example.com", Municipality: "Levanger", EmailPrimary: "eve@levanger.kommune.no",
			EmailSecondary: "eve@innherred-samkommune.no", Seats: []store.Seat{{Body: "Kommunestyret"}}},
	} {
		if err := st.PutOfficial(ctx, o, by); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Register(ctx, "X"+strings.ToUpper(o.ID[:3])+"0000001", "iPad", o.ID, by); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Undo(ctx, "X"+strings.ToUpper(o.ID[:3])+"0000001", by); err != nil { // registered at the desk is received: back to expected
			t.Fatal(err)
		}
	}
	list := chase(t, st, store.ChaseFilter{Body: "Kommunestyret"})
	plan, err := Plan(ctx, st, list, 7*24*time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var call []string
	for _, r := range plan {
		if r.Call() {
			call = append(call, r.Official.Name)
		}
	}
	if len(call) != 1 || call[0] != "Uten Sekundær" {
		t.Fatalf("call instead: %q", call)
	}
	mb := startMailbox(t, nil)
	var outcomes []Outcome
	sum, err := Send(ctx, st, mailerOf(t, mb), BuiltIn("nb"), settings, plan, false, by, func(o Outcome) { outcomes = append(outcomes, o) })
	if err != nil {
		t.Fatal(err)
	}
	got := mb.Messages()
	if sum.Sent != len(plan)-1 || sum.Call != 1 || len(got) != sum.Sent {
		t.Fatalf("sent %+v, the server has %d, plan %d", sum, len(got), len(plan))
	}
	dec := new(mime.WordDecoder)
	for i, m := range got {
		r := outcomes[i].Recipient
		if len(m.To) != 1 || m.To[0] != r.Official.EmailSecondary || m.From != "it@levanger.kommune.no" {
			t.Fatalf("message %d to %q from %q, want %s", i, m.To, m.From, r.Official.EmailSecondary)
		}
		msg, err := mail.ReadMessage(strings.NewReader(m.Raw))
		if err != nil {
			t.Fatal(err)
		}
		subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
		if err != nil || subject != "Lever nettbrettet ditt på IT-skranken innen 10. april" {
			t.Fatalf("subject %q (%v)", subject, err)
		}
		if msg.Header.Get("Bcc") != "" || strings.Contains(m.Raw, "\nBcc:") || len(msg.Header["To"]) != 1 {
			t.Fatalf("a header was injected:\n%s", m.Raw)
		}
		if !strings.Contains(msg.Header.Get("Content-Type"), "charset=UTF-8") {
			t.Fatalf("content type %q", msg.Header.Get("Content-Type"))
		}
		body := decodeQP(t, msg.Body)
		if !strings.Contains(body, r.Official.EmailSecondary) || !strings.Contains(body, "1. etasje på rådhuset") {
			t.Fatalf("body to %s:\n%s", r.Official.Name, body)
		}
		rem, err := st.RemindersOf(ctx, r.Official.ID)
		if err != nil || rem.Count != 1 || rem.Address != r.Official.EmailSecondary || rem.Channel != "email" {
			t.Fatalf("recorded for %s: %+v %v", r.Official.Name, rem, err)
		}
	}
	for _, c := range chase(t, st, store.ChaseFilter{Body: "Kommunestyret"}) {
		want := 1
		if c.OfficialID == "nosec@levanger.kommune.no" {
			want = 0
		}
		if c.Reminded != want || (want == 1) == c.RemindedAt.IsZero() {
			t.Fatalf("the chase list shows %s reminded %d times (at %v), want %d", c.Name, c.Reminded, c.RemindedAt, want)
		}
	}

	// Again: everyone was reminded just now; nobody gets a second mail.
	plan, _ = Plan(ctx, st, list, 7*24*time.Hour, time.Now())
	sum, err = Send(ctx, st, mailerOf(t, mb), BuiltIn("nb"), settings, plan, false, by, nil)
	if err != nil || sum.Sent != 0 || sum.Recent != len(plan)-1 || len(mb.Messages()) != len(got) {
		t.Fatalf("second run: %+v %v, server has %d", sum, err, len(mb.Messages()))
	}
	// Forced, one body: they get it, and the count says two.
	plan, _ = Plan(ctx, st, chase(t, st, store.ChaseFilter{Body: "Kontrollutvalget"}), 7*24*time.Hour, time.Now())
	sum, err = Send(ctx, st, mailerOf(t, mb), BuiltIn("nb"), settings, plan, true, by, nil)
	if err != nil || sum.Sent == 0 {
		t.Fatalf("forced: %+v %v", sum, err)
	}
	if rem, _ := st.RemindersOf(ctx, plan[0].Official.ID); rem.Count != 2 && plan[0].Last.Count == 1 {
		t.Fatalf("forced reminder not counted: %+v", rem)
	}
}

func decodeQP(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(b), "=\r\n", "")
	s = strings.ReplaceAll(s, "=\n", "")
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '=' && i+2 < len(s) {
			var v byte
			if _, err := fmtSscanHex(s[i+1:i+3], &v); err == nil {
				out = append(out, v)
				i += 2
				continue
			}
		}
		out = append(out, s[i])
	}
	return string(out)
}

func fmtSscanHex(s string, v *byte) (int, error) {
	n, err := parseHex(s)
	*v = n
	return 2, err
}

func parseHex(s string) (byte, error) {
	var n byte
	for _, c := range []byte(s) {
		n <<= 4
		switch {
		case c >= '0' && c <= '9':
			n |= c - '0'
		case c >= 'A' && c <= 'F':
			n |= c - 'A' + 10
		default:
			return 0, errors.New("not hex")
		}
	}
	return n, nil
}

// A recipient the server refuses is told and not recorded; the others go.
func TestARefusedRecipient(t *testing.T) {
	ctx := context.Background()
	st := levanger(t)
	plan, _ := Plan(ctx, st, chase(t, st, store.ChaseFilter{Body: "Formannskapet"}), 7*24*time.Hour, time.Now())
	if len(plan) < 2 {
		t.Fatalf("plan: %d", len(plan))
	}
	mb := startMailbox(t, nil)
	mb.Refuse(plan[0].Address)
	var refused []Outcome
	sum, err := Send(ctx, st, mailerOf(t, mb), BuiltIn("sv"), settings, plan, false, by, func(o Outcome) {
		if o.Refused != "" {
			refused = append(refused, o)
		}
	})
	if err != nil || sum.Refused != 1 || sum.Sent != len(plan)-1 {
		t.Fatalf("%+v %v", sum, err)
	}
	if !strings.Contains(refused[0].Refused, "550") || !strings.Contains(refused[0].Refused, "no such mailbox") {
		t.Fatalf("the refusal says %q", refused[0].Refused)
	}
	if rem, _ := st.RemindersOf(ctx, plan[0].Official.ID); rem.Count != 0 {
		t.Fatal("a refused reminder was recorded as sent")
	}
}

// A server that hangs up mid-run: what it took is recorded, the run says
// so, and running again reaches only the rest, nobody twice.
func TestAServerThatHangsUp(t *testing.T) {
	ctx := context.Background()
	st := levanger(t)
	list := chase(t, st, store.ChaseFilter{Municipality: "Levanger"})
	plan, _ := Plan(ctx, st, list, 7*24*time.Hour, time.Now())
	mb := startMailbox(t, nil)
	mb.HangUpAfter(3)
	sum, err := Send(ctx, st, mailerOf(t, mb), BuiltIn("nb"), settings, plan, false, by, nil)
	if !errors.Is(err, ErrUnreachable) || sum.Sent != 3 || len(mb.Messages()) != 3 {
		t.Fatalf("hung up: %+v %v, server has %d", sum, err, len(mb.Messages()))
	}
	if strings.Contains(err.Error(), "hemmelig") {
		t.Fatalf("the password shows: %v", err)
	}
	mb.HangUpAfter(0)
	plan, _ = Plan(ctx, st, list, 7*24*time.Hour, time.Now())
	if _, err := Send(ctx, st, mailerOf(t, mb), BuiltIn("nb"), settings, plan, false, by, nil); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, m := range mb.Messages() {
		seen[m.To[0]]++
	}
	for addr, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d mails", addr, n)
		}
	}
	if want := len(plan) - countCall(plan); len(seen) != want {
		t.Fatalf("%d reached, want %d", len(seen), want)
	}
}

func countCall(rs []Recipient) int {
	n := 0
	for _, r := range rs {
		if r.Call() {
			n++
		}
	}
	return n
}

// TLS from the start (smtps), with the server's certificate checked, and
// a clear word when nothing answers.
func TestTLSAndAnAbsentServer(t *testing.T) {
	ctx := context.Background()
	st := levanger(t)
	cert, pool := selfSigned(t)
	mb := startMailbox(t, &cert)
	m := mailerOf(t, mb)
	m.TLS, m.Config = true, &tls.Config{RootCAs: pool, ServerName: "localhost"}
	plan, _ := Plan(ctx, st, chase(t, st, store.ChaseFilter{Body: "Kontrollutvalget"}), 7*24*time.Hour, time.Now())
	if sum, err := Send(ctx, st, m, BuiltIn("en"), settings, plan, false, by, nil); err != nil || sum.Sent == 0 {
		t.Fatalf("smtps: %+v %v", sum, err)
	}
	// A certificate nobody vouches for is refused.
	m.Config = &tls.Config{ServerName: "localhost"}
	if _, err := Send(ctx, st, m, BuiltIn("en"), settings, plan, true, by, nil); !errors.Is(err, ErrUnreachable) {
		t.Fatalf("untrusted certificate: %v", err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	absent, err := ParseSMTP("smtp://dropin:hemmelig@" + addr + "?from=it@levanger.kommune.no")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Send(ctx, st, absent, BuiltIn("nb"), settings, plan, true, by, nil)
	if !errors.Is(err, ErrUnreachable) || strings.Contains(err.Error(), "hemmelig") || !strings.Contains(err.Error(), "xxxxx") {
		t.Fatalf("absent server: %v", err)
	}
}

func TestParseSMTP(t *testing.T) {
	for raw, want := range map[string]string{
		"smtp://u:p@mail.example.no?from=it@example.no":     "smtp://u:xxxxx@mail.example.no:587",
		"smtps://mail.example.no?from=it@example.no":        "smtps://mail.example.no:465",
		"smtp://mail.example.no:2525?from=it@example.no":    "smtp://mail.example.no:2525",
		"http://mail.example.no?from=it@example.no":         "use smtp://",
		"smtp://u:p@mail.example.no":                        "?from=address",
		"smtp://mail.example.no?from=it@example.no%0d%0aX:": "?from=address",
	} {
		m, err := ParseSMTP(raw)
		got := ""
		if err != nil {
			got = err.Error()
			if strings.Contains(got, ":p@") {
				t.Errorf("%s: the password shows in %q", raw, got)
			}
		} else {
			got = m.Redacted()
		}
		if !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", raw, got, want)
		}
	}
}

func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}
