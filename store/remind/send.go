package remind

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	"golang.org/x/time/rate"

	"dropin/store"
)

// Mailer is the SMTP server reminders go through, from --smtp:
//
//	smtp://user:password@mail.example.no:587?from=it@levanger.kommune.no   STARTTLS, required
//	smtps://user:password@mail.example.no:465?from=...                     TLS from the start
//
// Plain SMTP without TLS is allowed to a server on loopback only (a relay
// on the same machine). The password is never shown: Redacted.
type Mailer struct {
	Host     string
	Port     int
	User     string
	Password string
	From     string
	TLS      bool        // implicit TLS (smtps)
	Config   *tls.Config // nil: the system's roots; tests give their own
	PerMin   int         // at most this many messages a minute; 0: 60
}

// ParseSMTP reads an --smtp URL.
func ParseSMTP(raw string) (Mailer, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Mailer{}, fmt.Errorf("--smtp: not a URL: %w", errors.Unwrap(err))
	}
	m := Mailer{Host: u.Hostname(), From: u.Query().Get("from")}
	switch u.Scheme {
	case "smtp":
		m.Port = 587
	case "smtps":
		m.Port, m.TLS = 465, true
	default:
		return Mailer{}, fmt.Errorf("--smtp %s: use smtp://host:587 (STARTTLS) or smtps://host:465 (TLS)", redact(u))
	}
	if m.Host == "" {
		return Mailer{}, fmt.Errorf("--smtp %s: no host", redact(u))
	}
	if p := u.Port(); p != "" {
		if m.Port, err = strconv.Atoi(p); err != nil {
			return Mailer{}, fmt.Errorf("--smtp %s: bad port", redact(u))
		}
	}
	if u.User != nil {
		m.User = u.User.Username()
		m.Password, _ = u.User.Password()
	}
	if n := u.Query().Get("per-minute"); n != "" {
		if m.PerMin, err = strconv.Atoi(n); err != nil || m.PerMin < 1 {
			return Mailer{}, fmt.Errorf("--smtp %s: per-minute must be a number of messages", redact(u))
		}
	}
	if m.From == "" || !Valid(m.From) {
		return Mailer{}, fmt.Errorf("--smtp %s: give the sender as ?from=address", redact(u))
	}
	return m, nil
}

func redact(u *url.URL) string { return u.Redacted() }

// Redacted is the server as it may be shown: never the password.
func (m Mailer) Redacted() string {
	u := url.URL{Scheme: "smtp", Host: net.JoinHostPort(m.Host, strconv.Itoa(m.Port))}
	if m.TLS {
		u.Scheme = "smtps"
	}
	if m.User != "" {
		u.User = url.UserPassword(m.User, "xxxxx")
	}
	return u.String()
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (m Mailer) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(m.Port), gomail.WithTimeout(30 * time.Second)}
	switch {
	case m.TLS:
		opts = append(opts, gomail.WithSSL())
	case loopback(m.Host):
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if m.Config != nil {
		opts = append(opts, gomail.WithTLSConfig(m.Config))
	}
	if m.User != "" {
		// The strongest mechanism the server offers; on a loopback relay
		// without TLS, where discovery offers nothing, PLAIN.
		auth := gomail.SMTPAuthAutoDiscover
		if !m.TLS && loopback(m.Host) {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(m.User), gomail.WithPassword(m.Password))
	}
	return gomail.NewClient(m.Host, opts...)
}

// Outcome is what became of one recipient.
type Outcome struct {
	Recipient Recipient
	Sent      bool
	Refused   string // the server refused this recipient: its words
}

// Summary counts a run.
type Summary struct {
	Sent, Refused, Call, Recent int
}

// ErrUnreachable: the server could not be reached or hung up; what was
// sent before is recorded, and a new run skips those.
var ErrUnreachable = errors.New("the mail server cannot be reached")

// UnreachableError is ErrUnreachable with the server (its password
// hidden), how many were sent before, and what the connection said.
type UnreachableError struct {
	Server string
	Sent   int
	Cause  error
}

func (e *UnreachableError) Error() string {
	if e.Sent > 0 {
		return fmt.Sprintf("%v (%s) after %d sent: %v", ErrUnreachable, e.Server, e.Sent, e.Cause)
	}
	return fmt.Sprintf("%v (%s): %v", ErrUnreachable, e.Server, e.Cause)
}

func (e *UnreachableError) Is(target error) bool { return target == ErrUnreachable }

// Send sends the reminder to every recipient with an address who was not
// reminded recently (unless force), one message at a time over one
// connection, at most PerMin a minute. Each message the server accepts is
// recorded at once, as a "reminded" event, before the next is sent: a run
// cut short and run again sends nobody a second mail. A recipient the
// server refuses is told in Outcome and not recorded; a connection lost
// stops the run with ErrUnreachable.
func Send(ctx context.Context, st *store.Store, m Mailer, t *Template, s Settings, rs []Recipient, force bool, by store.Actor,
	each func(Outcome)) (Summary, error) {
	var sum Summary
	_, sum.Call, sum.Recent = Tally(rs, force)
	var todo []Recipient
	for _, r := range rs {
		if r.Due(force) {
			todo = append(todo, r)
		}
	}
	if len(todo) == 0 {
		return sum, nil
	}
	c, err := m.client()
	if err != nil {
		return sum, err
	}
	if err := c.DialWithContext(ctx); err != nil {
		return sum, &UnreachableError{Server: m.Redacted(), Cause: err}
	}
	defer c.Close()
	per := m.PerMin
	if per <= 0 {
		per = 60
	}
	limit := rate.NewLimiter(rate.Every(time.Minute/time.Duration(per)), 1)
	for _, r := range todo {
		if err := limit.Wait(ctx); err != nil {
			return sum, err
		}
		msg, err := m.message(t, s, r)
		if err != nil {
			return sum, err
		}
		err = c.Send(msg)
		var se *gomail.SendError
		switch {
		case err == nil:
			if err := st.Reminded(ctx, r.Official.ID, "email", r.Address, t.Name, by); err != nil {
				return sum, fmt.Errorf("the server took the reminder to %s, but it could not be recorded: %w", r.Address, err)
			}
			sum.Sent++
			if each != nil {
				each(Outcome{Recipient: r, Sent: true})
			}
		case errors.As(err, &se) && (se.Reason == gomail.ErrSMTPRcptTo || se.Reason == gomail.ErrSMTPMailFrom && se.ErrorCode() >= 500):
			sum.Refused++
			if each != nil {
				each(Outcome{Recipient: r, Refused: refusal(se)})
			}
		default:
			return sum, &UnreachableError{Server: m.Redacted(), Sent: sum.Sent, Cause: err}
		}
	}
	return sum, nil
}

// refusal is the server's own words for a refused recipient: go-mail's
// error without its prefix and its list of the message's particulars.
func refusal(se *gomail.SendError) string {
	msg := strings.TrimPrefix(se.Error(), se.Reason.String()+":")
	if i := strings.Index(msg, ", affected"); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimSpace(msg)
	if code := se.ErrorCode(); code > 0 && !strings.Contains(msg, strconv.Itoa(code)) {
		msg = strconv.Itoa(code) + " " + msg
	}
	return msg
}

// message is one reminder: plain text in UTF-8, the subject encoded as
// the standard says, to the bare address (no name: nothing from the
// roster goes into a header but the address, which Valid checked).
func (m Mailer) message(t *Template, s Settings, r Recipient) (*gomail.Msg, error) {
	subject, body := t.Render(r.Values(s))
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	if err := msg.From(m.From); err != nil {
		return nil, err
	}
	if err := msg.To(r.Address); err != nil {
		return nil, err
	}
	msg.Subject(subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, body)
	return msg, nil
}

// Render is the reminder to one recipient as it would be sent, for a dry
// run: the subject and the body.
func Render(t *Template, s Settings, r Recipient) (subject, body string) {
	return t.Render(r.Values(s))
}
