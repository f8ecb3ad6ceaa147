// Package remind reaches the officials who have not handed in their
// tablet: it picks, for each, the address they read now, renders the
// reminder from a template, sends it through SMTP and records each one
// the server accepted as an event.
package remind

import (
	"context"
	"net/mail"
	"strings"
	"time"

	"dropin/store"
)

// Why is why a recipient gets the address chosen, or none.
type Why string

const (
	// WhySecondary: the tablet is not upgraded, so the official reads
	// mail only on the secondary account.
	WhySecondary Why = "secondary"
	// WhyPrimary: the tablet is upgraded; the primary account works.
	WhyPrimary Why = "primary"
	// WhyNoAddress: no account the official can read now: call instead.
	WhyNoAddress Why = "no-address"
	// WhyBadAddress: the account on the roster is not an address.
	WhyBadAddress Why = "bad-address"
)

// Recipient is one official to remind.
type Recipient struct {
	Official store.Official
	Serials  []string // the tablets still missing
	Models   []string
	Address  string // "" to call instead
	Why      Why
	Last     store.Reminders
	Recent   bool // reminded within the interval: not sent again unless forced
}

// Call says the official has no address to mail now.
func (r Recipient) Call() bool { return r.Address == "" }

// Due says whether a run mails r: there is an address, and r was not
// reminded within the interval unless the run is forced.
func (r Recipient) Due(force bool) bool { return !r.Call() && (!r.Recent || force) }

// Tally is how many of rs a run mails, how many are to call, and how many
// it leaves alone as reminded recently.
func Tally(rs []Recipient, force bool) (due, call, recent int) {
	for _, r := range rs {
		switch {
		case r.Call():
			call++
		case r.Due(force):
			due++
		default:
			recent++
		}
	}
	return due, call, recent
}

// Choose is the address an official reads now: the secondary account
// until the tablet is upgraded, the primary one after.
func Choose(o store.Official, step store.Status) (string, Why) {
	addr, why := o.EmailSecondary, WhySecondary
	if step.Rank() >= store.Upgraded.Rank() {
		addr, why = o.EmailPrimary, WhyPrimary
	}
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "", WhyNoAddress
	}
	if !Valid(addr) {
		return "", WhyBadAddress
	}
	return addr, why
}

// Valid says whether s is a bare e-mail address: no name, no line break.
func Valid(s string) bool {
	if strings.ContainsAny(s, "\r\n<>\" ") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && a.Name == ""
}

// Plan is who a reminder goes to among the officials of list (the chase
// list, filtered as the user filtered it), one entry per official, in
// list's order. An official reminded within every is marked Recent.
func Plan(ctx context.Context, st *store.Store, list []store.Chase, every time.Duration, now time.Time) ([]Recipient, error) {
	var out []Recipient
	at := map[string]int{}
	ids := make([]string, 0, len(list))
	for _, c := range list {
		if _, ok := at[c.OfficialID]; !ok {
			at[c.OfficialID] = -1
			ids = append(ids, c.OfficialID)
		}
	}
	// Read now, not taken from the chase rows: the list may be older than
	// a run that just mailed them, here or at a desk that synced.
	offs, sent, err := st.OfficialsAndReminders(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		if i := at[c.OfficialID]; i >= 0 {
			out[i].Serials = append(out[i].Serials, c.Serial)
			out[i].Models = append(out[i].Models, c.Model)
			continue
		}
		o, ok := offs[c.OfficialID]
		if !ok {
			continue
		}
		last := sent[o.ID]
		// Everyone on the chase list still has their tablet: not upgraded.
		addr, why := Choose(o, store.Expected)
		r := Recipient{Official: o, Serials: []string{c.Serial}, Models: []string{c.Model}, Address: addr, Why: why, Last: last,
			Recent: last.Count > 0 && now.Sub(last.Last) < every}
		at[c.OfficialID] = len(out)
		out = append(out, r)
	}
	return out, nil
}

// Settings are what a reminder says of the desk.
type Settings struct {
	Place, Hours, Deadline string
}

// Values are a recipient's fields for a template.
func (r Recipient) Values(s Settings) map[string]string {
	o := r.Official
	return map[string]string{
		"name": o.Name, "municipality": o.Municipality, "bodies": store.SeatsText(o.Seats),
		"serial": strings.Join(r.Serials, ", "), "model": strings.Join(r.Models, ", "),
		"account": r.Address, "place": s.Place, "hours": s.Hours, "deadline": s.Deadline,
	}
}
