// Package smtptest runs a real SMTP server for tests, on loopback: it
// takes AUTH PLAIN from one user, keeps every message it accepts, refuses
// the recipients it is told to and hangs up before the message it is told
// to. On github.com/emersion/go-smtp.
package smtptest

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// The one user the server knows.
const (
	User     = "dropin"
	Password = "hemmelig-æøå"
)

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	Raw  string
}

// Server is a running SMTP server.
type Server struct {
	Addr string

	mu      sync.Mutex
	got     []Message
	refuse  map[string]bool
	dropAt  int
	started int
}

// Start serves SMTP on loopback until the test ends; with cert, TLS from
// the start.
func Start(t testing.TB, cert *tls.Certificate) *Server {
	t.Helper()
	s := &Server{refuse: map[string]bool{}}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, conn: c}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = cert == nil
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.ErrorLog = log.New(io.Discard, "", 0) // a refused certificate is a test's own doing
	var l net.Listener
	var err error
	if cert != nil {
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{*cert}}
		l, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		l, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	s.Addr = l.Addr().String()
	return s
}

// URL is the server as --smtp names it, with the user, a sender and no
// rate limit to speak of.
func (s *Server) URL(from string) string {
	u := url.URL{Scheme: "smtp", Host: s.Addr, User: url.UserPassword(User, Password),
		RawQuery: url.Values{"from": {from}, "per-minute": {"6000"}}.Encode()}
	return u.String()
}

// Refuse makes the server refuse a recipient, as a mailbox that is gone.
func (s *Server) Refuse(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse[addr] = true
}

// HangUpAfter makes the server drop the connection when message n+1
// begins; 0 never.
func (s *Server) HangUpAfter(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropAt, s.started = n, 0
}

// Messages is what the server has accepted, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.got...)
}

type session struct {
	s    *Server
	conn *smtp.Conn
	from string
	to   []string
	auth bool
}

func (ss *session) AuthMechanisms() []string { return []string{sasl.Plain} }
func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != User || pass != Password {
			return errors.New("bad credentials")
		}
		ss.auth = true
		return nil
	}), nil
}
func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }
func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if !ss.auth {
		return smtp.ErrAuthRequired
	}
	ss.s.mu.Lock()
	ss.s.started++
	drop := ss.s.dropAt > 0 && ss.s.started > ss.s.dropAt
	ss.s.mu.Unlock()
	if drop {
		ss.conn.Conn().Close()
		return errors.New("gone")
	}
	ss.from = from
	return nil
}
func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.refuse[to] {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	ss.to = append(ss.to, to)
	return nil
}
func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.got = append(ss.s.got, Message{From: ss.from, To: ss.to, Raw: string(b)})
	ss.s.mu.Unlock()
	return nil
}
