package receipt

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// Printer sends receipts to a CUPS queue with lp.
type Printer struct {
	Name  string // the CUPS queue; empty: no printer set
	Paper Paper
	LP    string // the lp command; "lp" when empty
}

// ErrNoPrinter: no printer is set. The receipt is still saved as a file.
var ErrNoPrinter = errors.New("no printer is set")

// PrintError is CUPS refusing a job, in its own words.
type PrintError struct {
	Printer string
	Output  string
}

func (e *PrintError) Error() string {
	return fmt.Sprintf("printer %s refused the receipt: %s", e.Printer, e.Output)
}

var requestID = regexp.MustCompile(`request id is (\S+)`)

// Print sends the PDF at path to the printer and returns CUPS's job id.
// It gives up after 15 seconds: a hung print server must not hold the desk.
func (p Printer) Print(ctx context.Context, path, title string) (string, error) {
	if p.Name == "" {
		return "", ErrNoPrinter
	}
	lp := p.LP
	if lp == "" {
		lp = "lp"
	}
	args := []string{"-d", p.Name, "-t", title}
	if p.Paper == Slip {
		args = append(args, "-o", "PageSize=Custom.80x200mm")
	} else {
		args = append(args, "-o", "media=A4")
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, lp, append(args, "--", path)...).CombinedOutput()
	text := strings.TrimSpace(string(out))
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return "", &PrintError{Printer: p.Name, Output: "CUPS (lp) is not installed"}
		}
		if text == "" {
			text = err.Error()
		}
		return "", &PrintError{Printer: p.Name, Output: text}
	}
	m := requestID.FindStringSubmatch(text)
	if m == nil {
		return "", &PrintError{Printer: p.Name, Output: text}
	}
	return m[1], nil
}

// ErrNoCUPS: CUPS is not installed here, or its scheduler does not answer.
var ErrNoCUPS = errors.New("CUPS does not answer")

// Queues are the CUPS queues this machine can print to, as lp -d takes
// them, and the one CUPS uses when none is named ("" for none). lpstat
// is the lpstat command; "lpstat" when empty. Like Print, it gives up
// after 15 seconds.
func Queues(ctx context.Context, lpstat string) (names []string, def string, err error) {
	if lpstat == "" {
		lpstat = "lpstat"
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	run := func(arg string) (string, error) {
		cmd := exec.CommandContext(ctx, lpstat, arg)
		cmd.Env = append(cmd.Environ(), "LC_ALL=C") // its words, not a translation of them
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("%w: lpstat %s: %v", ErrNoCUPS, arg, err)
		}
		return string(out), nil
	}
	out, err := run("-e")
	if err != nil {
		return nil, "", err
	}
	for _, line := range strings.Split(out, "\n") {
		if name := strings.TrimSpace(line); name != "" {
			names = append(names, name)
		}
	}
	if out, err = run("-d"); err != nil {
		return nil, "", err
	}
	// "system default destination: X", capitalised when it comes from
	// LPDEST or PRINTER; "no system default destination" for none.
	for _, line := range strings.Split(out, "\n") {
		if i := strings.Index(strings.ToLower(line), "default destination: "); i >= 0 {
			def = strings.TrimSpace(line[i+len("default destination: "):])
		}
	}
	return names, def, nil
}
