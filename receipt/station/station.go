// Package station is how a desk makes, files, prints, signs and checks
// its receipts: the station's key and keyring, the receipt a step promises
// (made in the step's own transaction, through store.Receipter), its PDF
// and PNG files, printing through CUPS, the signature, and the one check
// of a scanned token against its signature and the stored receipt. The
// screens and the command line say the outcomes in words.
package station

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"dropin/receipt"
	"dropin/store"
	"dropin/tui/i18n"
)

// Receipts is how a station makes, files and prints receipts.
type Receipts struct {
	Key     receipt.Key
	Keyring receipt.Keyring // the keys receipts scanned at the desk are checked against
	Dir     string          // where the files go
	Printer receipt.Printer
}

// OpenReceipts loads (or makes, on first run) the station key from
// keyDir and the keyring beside it plus any extra keyring files.
func OpenReceipts(keyDir, dir string, printer receipt.Printer, keyrings ...string) (*Receipts, error) {
	k, err := receipt.LoadKey(keyDir)
	if err != nil {
		return nil, err
	}
	kr, err := receipt.LoadKeyring(append([]string{filepath.Join(keyDir, "trusted.keys")}, keyrings...)...)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("receipts folder: %w", err)
	}
	return &Receipts{Key: k, Keyring: kr, Dir: dir, Printer: printer}, nil
}

// Files are a receipt's files.
type Files struct {
	A4, Slip, PNG string
}

// For is the PDF made for the given paper.
func (f Files) For(paper receipt.Paper) string {
	if paper == receipt.Slip {
		return f.Slip
	}
	return f.A4
}

// Issue gives the tablet a receipt of kind: numbered and signed in the
// store's transaction, then written as files.
func (r *Receipts) Issue(ctx context.Context, st *store.Store, t i18n.Catalog, serial string, kind receipt.Kind, by store.Actor) (store.ReceiptRecord, Files, error) {
	rec, err := st.IssueReceipt(ctx, serial, string(kind), by, func(number int, issued time.Time, c store.Card) (json.RawMessage, string, error) {
		return r.Make(string(kind), number, issued, c, by)
	})
	if err != nil {
		return rec, Files{}, err
	}
	files, err := r.Render(t, rec)
	return rec, files, err
}

// Promised is the receipt a step promises: a hand-in receipt for every
// check-in, a hand-back receipt, a delivery and a return receipt. The
// store makes it in the step's own transaction (store.Receipter).
func (r *Receipts) Promised(k store.Kind) (string, bool) {
	switch k {
	case store.KindReceived:
		return string(rune(receipt.HandIn)), true
	case store.KindHandedBack:
		return string(rune(receipt.HandBack)), true
	case store.KindIssued:
		return string(rune(receipt.Delivery)), true
	case store.KindReturned:
		return string(rune(receipt.Return)), true
	}
	return "", false
}

// Make builds a receipt's content and signed token (store.Receipter).
func (r *Receipts) Make(kind string, number int, issued time.Time, c store.Card, by store.Actor) (json.RawMessage, string, error) {
	if len(kind) != 1 || !receipt.Kind(kind[0]).Known() {
		return nil, "", fmt.Errorf("receipt kind %q", kind)
	}
	rc := receiptFromCard(receipt.Kind(kind[0]), number, issued, c, by)
	content, err := json.Marshal(rc)
	return content, receipt.Sign(r.Key, rc), err
}

// MakeVisit builds the one receipt of a visit's devices (store.Receipter):
// each device with what happened to it, the official's account as their
// tablet (or else the first device) has it.
func (r *Receipts) MakeVisit(number int, issued time.Time, vc store.VisitCard, by store.Actor) (json.RawMessage, string, error) {
	if len(vc.Lines) == 0 {
		return nil, "", fmt.Errorf("a visit receipt with no device")
	}
	lead := vc.Lines[0].Card
	for _, l := range vc.Lines {
		if l.Card.Device.Kind == store.Tablet {
			lead = l.Card
			break
		}
	}
	rc := receipt.Receipt{
		Kind: receipt.Visit, Number: number, Issued: issued.Truncate(time.Second), Serial: vc.Lines[0].Card.Device.Serial,
		Station: by.Station, Staff: by.Staff, Account: lead.Account(), Primary: lead.UsesPrimary(), Official: vc.Visit.Name,
	}
	if o := vc.Official; o != nil {
		rc.Official, rc.Municipality = o.Name, o.Municipality
	}
	for _, l := range vc.Lines {
		if len(l.Kind) != 1 || !receipt.Kind(l.Kind[0]).Known() {
			return nil, "", fmt.Errorf("receipt kind %q", l.Kind)
		}
		d := l.Card.Device
		status := string(d.Status)
		if d.Kind != store.Tablet {
			status = string(d.Custody)
		}
		rc.Items = append(rc.Items, receipt.Item{Kind: receipt.Kind(l.Kind[0]), Device: string(d.Kind), Model: d.Model, Serial: d.Serial, Status: status})
	}
	content, err := json.Marshal(rc)
	return content, receipt.Sign(r.Key, rc), err
}

// RenderMissing writes the files of every receipt of station that has
// none yet: a receipt is recorded with its step, and the files follow, so
// a desk stopped in between renders them when it starts again.
func (r *Receipts) RenderMissing(ctx context.Context, st *store.Store, t i18n.Catalog, station string) (int, error) {
	recs, err := st.ReceiptsOfStation(ctx, station)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, rec := range recs {
		f := r.FilesOf(rec)
		if exists(f.A4) && exists(f.Slip) && exists(f.PNG) {
			continue
		}
		if _, err := r.Render(t, rec); err != nil {
			return n, fmt.Errorf("receipt %d: %w", rec.Number, err)
		}
		n++
	}
	return n, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func receiptFromCard(kind receipt.Kind, number int, issued time.Time, c store.Card, by store.Actor) receipt.Receipt {
	rc := receipt.Receipt{
		Kind: kind, Number: number, Issued: issued.Truncate(time.Second), Model: c.Device.Model, Serial: c.Device.Serial,
		Status: string(c.Device.Status), Station: by.Station, Staff: by.Staff, Account: c.Account(), Primary: c.UsesPrimary(),
	}
	if o := c.Official; o != nil {
		rc.Official, rc.Municipality = o.Name, o.Municipality
	}
	if kind == receipt.Delivery || kind == receipt.Return {
		rc.Device, rc.Status = string(c.Device.Kind), string(c.Device.Custody)
		// What the latest live delivery asked for, why it came back.
		for _, e := range c.Timeline {
			switch {
			case e.Undone:
			case e.Kind == store.KindIssued && kind == receipt.Delivery:
				rc.Requests, rc.Note = RequestCodes(e.Request), e.Request.Note
			case e.Kind == store.KindReturned && kind == receipt.Return:
				rc.Reason = e.Reason
			}
		}
	}
	return rc
}

// RequestCodes are the requests made at a delivery as the receipt keeps
// them: "help", "training", space separated.
func RequestCodes(r store.Request) string {
	var out []string
	if r.Help {
		out = append(out, "help")
	}
	if r.Training {
		out = append(out, "training")
	}
	return strings.Join(out, ",")
}

// RequestText is what was asked for at a delivery, in words.
func RequestText(t i18n.Catalog, codes, note string) string {
	var out []string
	for _, c := range strings.Split(codes, ",") {
		if c != "" {
			out = append(out, t.T("request."+c))
		}
	}
	if note != "" {
		out = append(out, note)
	}
	return strings.Join(out, "; ")
}

// Contents reads a stored receipt's content back.
func Contents(rec store.ReceiptRecord) (receipt.Receipt, error) {
	var rc receipt.Receipt
	err := json.Unmarshal(rec.Content, &rc)
	return rc, err
}

// Labels are the receipt's words in the catalog's language.
func Labels(t i18n.Catalog, rc receipt.Receipt) receipt.Labels {
	note := t.T("receipt.secondary")
	if rc.Primary {
		note = t.T("receipt.primary")
	}
	l := receipt.Labels{
		Title: t.T("receipt.title." + string(rc.Kind)), Number: t.T("receipt.number"), Official: t.T("receipt.official"),
		Device: t.T("receipt.device"), Serial: t.T("receipt.serial"), Status: t.T("receipt.status"),
		StatusText: t.Status(store.Status(rc.Status)), Time: t.T("receipt.time"), Place: t.T("receipt.place"),
		Staff: t.T("receipt.staff." + string(rc.Kind)), Account: t.T("receipt.account"), AccountNote: note,
		NoOfficial: t.T("receipt.noofficial"), Verify: t.T("receipt.verify"), Signed: t.T("receipt.signedby"),
		Methods:  map[string]string{SignedByPad: t.T("sign.method.pad"), SignedByTyped: t.T("sign.method.typed")},
		Date:     func(tm time.Time) string { return t.DateLong(tm) },
		Requests: t.T("receipt.requests"), Reason: t.T("receipt.reason"),
		RequestText: RequestText(t, rc.Requests, rc.Note),
	}
	if rc.Device != "" {
		l.Device, l.DeviceText = t.T("receipt.device.any"), t.Device(store.DeviceKind(rc.Device))
		l.StatusText = t.Custody(store.Custody(rc.Status))
	}
	if rc.Reason != "" {
		l.ReasonText = t.T("return." + rc.Reason)
	}
	for _, it := range rc.Items {
		l.Device = t.T("receipt.device.any")
		what := t.Device(store.DeviceKind(it.Device))
		if it.Model != "" {
			what += ", " + it.Model
		}
		l.ItemTexts = append(l.ItemTexts, what+": "+t.T("receipt.item."+string(it.Kind)))
	}
	return l
}

// fileBase names a receipt's files: station and number, made safe.
func fileBase(rec store.ReceiptRecord) string {
	safe := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
				return r
			}
			return '_'
		}, s)
	}
	// A visit's receipt is named for its visit ("visit_0193…").
	return fmt.Sprintf("%s-%06d-%s", safe(rec.Station), rec.Number, safe(rec.Serial))
}

// Render writes a receipt's A4 PDF, slip PDF and PNG, each to a temporary
// file renamed into place, so a file that exists is whole.
func (r *Receipts) Render(t i18n.Catalog, rec store.ReceiptRecord) (Files, error) {
	rc, err := Contents(rec)
	if err != nil {
		return Files{}, err
	}
	l := Labels(t, rc)
	base := filepath.Join(r.Dir, fileBase(rec))
	f := Files{A4: base + "-a4.pdf", Slip: base + "-slip.pdf", PNG: base + ".png"}
	for _, out := range []struct {
		path   string
		render func(io.Writer) error
	}{
		{f.A4, func(w io.Writer) error { return receipt.PDF(w, rc, l, rec.Token, receipt.A4) }},
		{f.Slip, func(w io.Writer) error { return receipt.PDF(w, rc, l, rec.Token, receipt.Slip) }},
		{f.PNG, func(w io.Writer) error { return receipt.PNG(w, rc, l, rec.Token) }},
	} {
		var buf bytes.Buffer
		if err := out.render(&buf); err != nil {
			return f, err
		}
		if err := writeFile(out.path, buf.Bytes()); err != nil {
			return f, err
		}
	}
	return f, nil
}

func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Print sends the receipt's PDF for the printer's paper to CUPS.
func (r *Receipts) Print(ctx context.Context, t i18n.Catalog, rec store.ReceiptRecord, f Files) (string, error) {
	path := f.For(r.Printer.Paper)
	if !exists(path) { // not rendered yet, or another desk's receipt
		var err error
		if f, err = r.Render(t, rec); err != nil {
			return "", err
		}
		path = f.For(r.Printer.Paper)
	}
	return r.Printer.Print(ctx, path, fmt.Sprintf("%s %d", t.T("receipt.number"), rec.Number))
}

// FilesOf names the files a receipt has (or will have once rendered).
func (r *Receipts) FilesOf(rec store.ReceiptRecord) Files {
	base := filepath.Join(r.Dir, fileBase(rec))
	return Files{A4: base + "-a4.pdf", Slip: base + "-slip.pdf", PNG: base + ".png"}
}

// Signing methods.
const (
	SignedByPad   = "pad"
	SignedByTyped = "typed"
)

// ErrNameMismatch: the typed name is not the official's.
var ErrNameMismatch = errors.New("the name typed is not the official's on the receipt")

// Sign records the official's signature on a receipt (strokes from the
// pad, or the typed full name) and re-issues the receipt with it: the
// content signed is bound by its SHA-256, the token says signed, the
// files are written again with the drawing.
func (r *Receipts) Sign(ctx context.Context, st *store.Store, t i18n.Catalog, rec store.ReceiptRecord, strokes []receipt.Stroke, typed string, by store.Actor) (store.ReceiptRecord, Files, error) {
	signed, err := st.SignReceipt(ctx, rec.Station, rec.Number, by, func(cur store.ReceiptRecord) (store.Signature, error) {
		rc, err := Contents(cur)
		if err != nil {
			return store.Signature{}, err
		}
		if rc.Signed {
			return store.Signature{}, store.ErrSigned
		}
		var sig store.Signature
		var bound []byte
		if typed != "" {
			if store.Fold(strings.Join(strings.Fields(typed), " ")) != store.Fold(rc.Official) || rc.Official == "" {
				return sig, ErrNameMismatch
			}
			sig.Method, bound = SignedByTyped, []byte(typed)
		} else {
			sig.Method = SignedByPad
			if sig.Strokes, err = json.Marshal(strokes); err != nil {
				return sig, err
			}
			bound = sig.Strokes
		}
		sum := sha256.Sum256(bound)
		sig.ContentSHA256, sig.Signer = rc.ContentSHA256(), rc.Official
		rc.Signed, rc.SignedBy, rc.SignedHow = true, rc.Official, sig.Method
		rc.SignedContent, rc.Signature, rc.Strokes = sig.ContentSHA256, hex.EncodeToString(sum[:]), strokes
		if sig.Content, err = json.Marshal(rc); err != nil {
			return sig, err
		}
		sig.Token = receipt.Sign(r.Key, rc)
		return sig, nil
	})
	if err != nil {
		return signed, Files{}, err
	}
	files, err := r.Render(t, signed)
	return signed, files, err
}

// Verified is what a receipt token attests, with what this database
// holds of it.
type Verified struct {
	Token     receipt.Token
	Stored    *store.ReceiptRecord   // the receipt this database holds for the token, if any
	Content   receipt.Receipt        // its content, when Stored is set
	Signature *store.SignatureRecord // its signature, if it was signed
}

// StoredProblem: the token verifies, but the receipt this database holds
// for it does not match it (Signature false), or no longer matches the
// signature made on it (Signature true).
type StoredProblem struct {
	Number    int
	Signature bool
}

func (p *StoredProblem) Error() string {
	if p.Signature {
		return fmt.Sprintf("receipt %d changed after it was signed", p.Number)
	}
	return fmt.Sprintf("receipt %d: content does not match its token", p.Number)
}

// VerifyToken is the one check of a receipt token, for the desk and the
// command line alike: the token's signature against the keyring and,
// where st (which may be nil) holds the receipt, that the stored receipt
// matches the token and is still the one its signature binds.
func VerifyToken(ctx context.Context, st *store.Store, keyring receipt.Keyring, raw string) (Verified, error) {
	tok, err := receipt.Verify(strings.ToUpper(strings.TrimSpace(raw)), keyring)
	if err != nil || st == nil {
		return Verified{Token: tok}, err
	}
	return CheckStored(ctx, st, tok)
}

// CheckStored is VerifyToken's second half, for a token whose signature
// has been verified: the receipt st holds for it matches it and is still
// the one its signature binds.
func CheckStored(ctx context.Context, st *store.Store, tok receipt.Token) (Verified, error) {
	v := Verified{Token: tok}
	recs, err := st.ReceiptsOf(ctx, tok.Serial)
	if err != nil {
		return v, err
	}
	for _, rec := range recs {
		if rec.Token != tok.String() {
			continue
		}
		rc, err := Contents(rec)
		if err == nil && rc.Signed && !rc.SignatureIntact() {
			return v, &StoredProblem{Number: rec.Number, Signature: true}
		}
		if err != nil || !tok.Matches(rc) {
			return v, &StoredProblem{Number: rec.Number}
		}
		sig, err := st.SignatureOf(ctx, rec.Station, rec.Number)
		if err != nil {
			return v, err
		}
		if sig != nil && sig.ContentSHA256 != rc.Unsigned().ContentSHA256() {
			return v, &StoredProblem{Number: rec.Number, Signature: true}
		}
		v.Stored, v.Content, v.Signature = &rec, rc, sig
		return v, nil
	}
	return v, nil
}
