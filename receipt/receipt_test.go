package receipt

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dropin/receipt/qrtest"
)

func testKey(t testing.TB) Key {
	t.Helper()
	k, err := LoadKey(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

var sample = Receipt{
	Kind: HandIn, Number: 42, Issued: time.Date(2026, 4, 14, 9, 30, 0, 0, time.UTC),
	Municipality: "Levanger", Official: "Øystein Ærø Ås", Model: "iPad (10. gen)", Serial: "DMPXK2ABC123",
	Status: "received", Station: "skranke-1", Staff: "KN",
	Account: "oystein.aero@innherred-samkommune.no",
}

var labels = Labels{
	Title: "Kvittering for innlevering", Number: "Kvittering nr.", Official: "Folkevalgt", Device: "Nettbrett",
	Serial: "Serienummer", Status: "Status", StatusText: "mottatt", Time: "Tid", Place: "Skranke", Staff: "Mottatt av",
	Account: "Logg inn med", AccountNote: "(sekundær, til oppgraderingen)", NoOfficial: "ikke koblet",
	Verify: "Kontroller: dropin receipt verify <koden over>",
	Date:   func(t time.Time) string { return t.Format("02.01.2006 15:04") },
	Signed: "Signert av %s (%s)",
}

func TestTokenRoundTrip(t *testing.T) {
	k := testKey(t)
	tok := Sign(k, sample)
	if len(tok) > 180 || strings.ToUpper(tok) != tok {
		t.Fatalf("token %d chars, must be short and upper case: %s", len(tok), tok)
	}
	got, err := Verify(tok, Keyring{k.ID: k.Public})
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != HandIn || got.Number != 42 || got.Serial != "DMPXK2ABC123" || !got.Issued.Equal(sample.Issued) || got.KeyID != k.ID {
		t.Fatalf("%+v", got)
	}
	if !got.Matches(sample) {
		t.Fatal("the token must match the receipt it was made for")
	}
	changed := sample
	changed.Account = "oystein.aero@levanger.kommune.no"
	if got.Matches(changed) {
		t.Fatal("a receipt with other content must not match")
	}
}

func TestEveryChangedCharacterFails(t *testing.T) {
	k := testKey(t)
	tok := Sign(k, sample)
	keys := Keyring{k.ID: k.Public}
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	for i := range tok {
		if tok[i] == '.' {
			continue
		}
		b := []byte(tok)
		b[i] = alphabet[(strings.IndexByte(alphabet, b[i])+1)%len(alphabet)]
		if b[i] == tok[i] {
			b[i] = 'A'
		}
		if _, err := Verify(string(b), keys); err == nil {
			t.Fatalf("changing character %d (%q) still verifies", i, tok[i])
		}
	}
}

func TestRefusals(t *testing.T) {
	k, other := testKey(t), testKey(t)
	tok := Sign(k, sample)
	if _, err := Verify(tok, Keyring{other.ID: other.Public}); ProblemOf(err) != UnknownKey {
		t.Fatalf("a foreign key: %v", err)
	}
	// A forger with their own key but claiming ours.
	forged := strings.Replace(Sign(other, sample), other.ID, k.ID, 1)
	if _, err := Verify(forged, Keyring{k.ID: k.Public}); ProblemOf(err) != Altered {
		t.Fatalf("forged: %v", err)
	}
	serial := strings.Replace(tok, ".DMPXK2ABC123.", ".DMPXK2ABC124.", 1)
	if _, err := Verify(serial, Keyring{k.ID: k.Public}); ProblemOf(err) != Altered {
		t.Fatalf("altered serial: %v", err)
	}
	for _, bad := range []string{"", "R1", "hello", "R2.I.AAAAAAAA.1.1.ABCDEF.A.A", tok + ".X", strings.Replace(tok, "R1.I.", "R1.X.", 1), tok[:len(tok)-3]} {
		if _, err := Verify(bad, Keyring{k.ID: k.Public}); ProblemOf(err) != Malformed {
			t.Errorf("%.30q: %v, want malformed", bad, err)
		}
	}
}

func TestKeyIsMadeOnceAndPrivate(t *testing.T) {
	dir := t.TempDir()
	k1, err := LoadKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dir, "station.key"))
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("station.key mode %v, want 0600", st.Mode().Perm())
	}
	k2, _ := LoadKey(dir)
	if k1.ID != k2.ID {
		t.Fatal("the station key must survive a restart")
	}
	kr, err := LoadKeyring(filepath.Join(dir, "trusted.keys"))
	if err != nil || len(kr) != 1 || kr[k1.ID] == nil {
		t.Fatalf("keyring %v %v", kr, err)
	}
	os.Chmod(filepath.Join(dir, "station.key"), 0o644)
	if _, err := LoadKey(dir); err == nil {
		t.Fatal("a private key others can read must be refused")
	}
}

func TestPNGCarriesTheToken(t *testing.T) {
	k := testKey(t)
	tok := Sign(k, sample)
	var buf bytes.Buffer
	if err := PNG(&buf, sample, labels, tok); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got := qrtest.Decode(t, img); got != tok {
		t.Fatalf("decoded %q, want %q", got, tok)
	}
}

// needTool finds a command the test needs. In CI it must be there (.ci/run
// installs it); elsewhere the test says how to get it and skips.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing in CI: .ci/run installs %s", name, pkg)
	}
	t.Skipf("%s not found: apt-get install %s (CI does), or run .ci/run", name, pkg)
	return ""
}

func TestPDFsCarryTheTokenAndNordicLetters(t *testing.T) {
	pdftoppm := needTool(t, "pdftoppm", "poppler-utils")
	pdftotext := needTool(t, "pdftotext", "poppler-utils")
	k := testKey(t)
	tok := Sign(k, sample)
	for _, paper := range []Paper{A4, Slip} {
		dir := t.TempDir()
		path := filepath.Join(dir, "r.pdf")
		f, _ := os.Create(path)
		if err := PDF(f, sample, labels, tok, paper); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if out, err := exec.Command(pdftoppm, "-r", "150", "-png", "-singlefile", path, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v %s", err, out)
		}
		pf, err := os.Open(filepath.Join(dir, "page.png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(pf)
		pf.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := qrtest.Decode(t, img); got != tok {
			t.Fatalf("%s: decoded %q", paper, got)
		}
		text, err := exec.Command(pdftotext, path, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		flat := strings.Join(strings.Fields(string(text)), " ") // the slip wraps long lines
		for _, want := range []string{"Øystein Ærø Ås", "Kvittering for innlevering", "sekundær, til oppgraderingen"} {
			if !strings.Contains(flat, want) {
				t.Errorf("%s: the PDF's text lacks %q:\n%s", paper, want, text)
			}
		}
	}
}

func TestPDFIsDeterministic(t *testing.T) {
	k := testKey(t)
	tok := Sign(k, sample)
	var a, b bytes.Buffer
	PDF(&a, sample, labels, tok, A4)
	PDF(&b, sample, labels, tok, A4)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same receipt must give the same PDF")
	}
}

func FuzzParseToken(f *testing.F) {
	k, _ := LoadKey(f.TempDir())
	f.Add(Sign(k, sample))
	f.Add("R1.I.AAAAAAAA.1.1.DMPXK2ABC123.AAAA.AAAA")
	f.Add("")
	f.Add("R1........")
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := ParseToken(s)
		if err != nil {
			if ProblemOf(err) != Malformed {
				t.Fatalf("ParseToken(%q): %v is not a malformed-token error", s, err)
			}
			return
		}
		if tok.String() != strings.TrimSpace(s) || tok.Number <= 0 || !serialOK(tok.Serial) {
			t.Fatalf("accepted %q as %+v", s, tok)
		}
		again, err := ParseToken(tok.String())
		if err != nil || again.Hash != tok.Hash || again.Number != tok.Number {
			t.Fatalf("re-parse of %q: %+v %v", s, again, err)
		}
	})
}

// BenchmarkReceipt makes one receipt end to end: the signed token, the QR
// code, the A4 PDF and the PNG.
func BenchmarkReceipt(b *testing.B) {
	k, err := LoadKey(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	var pdf, img bytes.Buffer
	for b.Loop() {
		pdf.Reset()
		img.Reset()
		tok := Sign(k, sample)
		if err := PDF(&pdf, sample, labels, tok, A4); err != nil {
			b.Fatal(err)
		}
		if err := PNG(&img, sample, labels, tok); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSignedReceipt(t *testing.T) {
	k := testKey(t)
	signed := sample
	signed.Signed, signed.SignedBy, signed.SignedHow = true, "Øystein Ærø Ås", "pad"
	signed.SignedContent = sample.ContentSHA256()
	signed.Signature = strings.Repeat("ab", 32)
	signed.Strokes = []Stroke{{{2, 2}, {20, 8}, {40, 2}, {58, 8}}, {{30, 5}}}
	if !signed.SignatureIntact() {
		t.Fatal("a freshly signed receipt is intact")
	}
	tok := Sign(k, signed)
	got, err := Verify(tok, Keyring{k.ID: k.Public})
	if err != nil || !got.Signed || !strings.HasPrefix(tok, "R1.IS.") || !got.Matches(signed) {
		t.Fatalf("signed token %q: %+v %v", tok, got, err)
	}
	// Purging the strokes keeps the content, so the token still matches.
	purged := signed
	purged.Strokes = nil
	if !got.Matches(purged) || !purged.SignatureIntact() {
		t.Fatal("purging strokes must not change the signed content")
	}
	changed := signed
	changed.Account = "someone.else@levanger.kommune.no"
	if changed.SignatureIntact() {
		t.Fatal("a receipt changed after signing no longer matches its signature")
	}
	var buf bytes.Buffer
	if err := PNG(&buf, signed, labels, tok); err != nil {
		t.Fatal(err)
	}
	img, _ := png.Decode(&buf)
	if got := qrtest.Decode(t, img); got != tok {
		t.Fatalf("signed PNG's QR: %q", got)
	}
	if ink := inkInSignatureBox(img); ink < 200 {
		t.Fatalf("only %d ink pixels in the signature box", ink)
	}
	buf.Reset()
	if err := PNG(&buf, purged, labels, tok); err != nil {
		t.Fatal(err)
	}
	img, _ = png.Decode(&buf)
	if ink := inkInSignatureBox(img); ink != 0 {
		t.Fatalf("%d ink pixels after purging", ink)
	}
}

// inkInSignatureBox counts the signature's dark blue pixels.
func inkInSignatureBox(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == 0 && g>>8 == 0 && bl>>8 == 60 {
				n++
			}
		}
	}
	return n
}

// A visit's receipt lists every device handed over, each with what
// happened to it; its token verifies and matches like any receipt's, a
// changed item breaks it, and the QR on the PNG and the PDF's text carry
// it all.
func TestVisitReceiptListsEveryDevice(t *testing.T) {
	k := testKey(t)
	visit := Receipt{
		Kind: Visit, Number: 7, Issued: time.Date(2026, 4, 14, 10, 0, 0, 0, time.UTC), Municipality: "Öckerö",
		Official: "Lena Lärsson", Serial: "C02LAPTOP01", Station: "skranke-1", Staff: "KN",
		Items: []Item{
			{Kind: Delivery, Device: "laptop", Model: "MacBook Air", Serial: "C02LAPTOP01", Status: "issued"},
			{Kind: Delivery, Device: "phone", Model: "iPhone 15", Serial: "IMEI35000001", Status: "issued"},
		},
	}
	vl := labels
	vl.Title, vl.ItemTexts = "Kvittering for utstyr", []string{"Bærbar PC, MacBook Air: utlevert", "Mobil, iPhone 15: utlevert"}
	tok := Sign(k, visit)
	got, err := Verify(tok, Keyring{k.ID: k.Public})
	if err != nil || got.Kind != Visit || got.Serial != "C02LAPTOP01" || !got.Matches(visit) {
		t.Fatalf("token %+v: %v", got, err)
	}
	changed := visit
	changed.Items = append([]Item(nil), visit.Items...)
	changed.Items[1].Serial = "IMEI35000002"
	if got.Matches(changed) {
		t.Fatal("a visit receipt with another device matches the token")
	}
	var buf bytes.Buffer
	if err := PNG(&buf, visit, vl, tok); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if decoded := qrtest.Decode(t, img); decoded != tok {
		t.Fatalf("the PNG's QR holds %q, want %q", decoded, tok)
	}
	pdftotext := needTool(t, "pdftotext", "poppler-utils")
	path := filepath.Join(t.TempDir(), "v.pdf")
	f, _ := os.Create(path)
	if err := PDF(f, visit, vl, tok, A4); err != nil {
		t.Fatal(err)
	}
	f.Close()
	text, err := exec.Command(pdftotext, path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(string(text)), " ")
	for _, want := range []string{"Lena Lärsson", "MacBook Air: utlevert", "C02LAPTOP01", "iPhone 15: utlevert", "IMEI35000001"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}
}
