package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/scan"
	"dropin/store"
	"dropin/tui"
	"dropin/tui/i18n"
)

func (a *app) receiptCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "receipt COMMAND",
		Short: "show, print and verify receipts; this station's key",
	}, a.receiptShowCmd("show", "a receipt as text and QR code, and where its files are"),
		a.receiptShowCmd("print", "print a receipt (--printer, --paper; else the desk's settings)"),
		a.receiptVerifyCmd(), a.receiptKeyCmd())
}

func (a *app) receiptKeyCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "key",
		Short: "this station's public key, for other desks' trusted.keys",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			// The keys are the database's station's, under its name.
			_, st, err := a.o.open(cmd.Context())
			if err != nil {
				return err
			}
			st.Close()
			rs, err := a.o.receipts()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), rs.Key.PublicLine(a.o.station))
			return nil
		},
	}
}

// receiptShowCmd is receipt show and receipt print: both find a receipt
// by this station's number or a tablet's serial and write its files.
func (a *app) receiptShowCmd(verb, short string) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " NUMBER|STATION/NUMBER|SERIAL",
		Short: short,
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, out := cmd.Context(), cmd.OutOrStdout()
			t, st, err := a.o.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			o := a.o
			o.printerFromSettings(ctx, st) // as the desk would print
			rs, err := o.receipts()
			if err != nil {
				return err
			}
			rec, err := findReceipt(ctx, st, o.station, args[0])
			if errors.Is(err, store.ErrNoReceipt) {
				return noReceipt(ctx, t, st, o.station, args[0])
			}
			if err != nil {
				return err
			}
			files, err := rs.Render(t, rec)
			if err != nil {
				return err
			}
			if verb == "print" {
				job, err := rs.Print(ctx, t, rec, files)
				text, ok := tui.PrintText(t, rec.Number, job, err, files.For(rs.Printer.Paper))
				fmt.Fprintln(out, text)
				if !ok {
					return errQuiet
				}
				return nil
			}
			rc, err := station.Contents(rec)
			if err != nil {
				return err
			}
			l := station.Labels(t, rc)
			fmt.Fprintf(out, "%s\n\n", l.Title)
			// The lines the printed receipt has: a visit's lists its
			// devices, a return says why, a hand-out what was asked for.
			for _, row := range receipt.Lines(rc, l) {
				fmt.Fprintf(out, "%-16s %s\n", row[0], scan.Clean(row[1]))
			}
			if s := l.SignedText(rc); s != "" {
				fmt.Fprintf(out, "\n%s\n", scan.Clean(s))
			}
			if q, err := receipt.QR(rec.Token); err == nil {
				fmt.Fprintf(out, "\n%s\n", q.ToSmallString(false))
			}
			fmt.Fprintf(out, "%s\n\n%s\n%s\n%s\n", rec.Token, files.A4, files.Slip, files.PNG)
			return nil
		},
	}
}

// noReceipt says a receipt is not here, and where a receipt of that
// number is: receipts are numbered per station.
func noReceipt(ctx context.Context, t i18n.Catalog, st *store.Store, station, arg string) error {
	msg := t.T("receipt.notfound", scan.Clean(arg), scan.Clean(station))
	if n, err := strconv.Atoi(arg); err == nil {
		if at, err := st.ReceiptStations(ctx, n); err == nil && len(at) > 0 {
			for i := range at {
				at[i] = scan.Clean(at[i])
			}
			msg += " " + t.T("receipt.elsewhere", n, strings.Join(at, ", "), n, at[0], n)
		}
	}
	return errors.New(msg)
}

// findReceipt finds a receipt by this station's number (7), another
// station's (skranke-2/7), or a tablet's latest receipt by its serial.
func findReceipt(ctx context.Context, st *store.Store, station, arg string) (store.ReceiptRecord, error) {
	if n, err := strconv.Atoi(arg); err == nil {
		return st.Receipt(ctx, station, n)
	}
	if i := strings.LastIndexByte(arg, '/'); i > 0 {
		if n, err := strconv.Atoi(arg[i+1:]); err == nil {
			return st.Receipt(ctx, arg[:i], n)
		}
	}
	serial, err := scan.Parse(arg)
	if err != nil {
		return store.ReceiptRecord{}, err
	}
	recs, err := st.ReceiptsOf(ctx, serial)
	if err != nil {
		return store.ReceiptRecord{}, err
	}
	if len(recs) == 0 {
		return store.ReceiptRecord{}, fmt.Errorf("%s: %w", serial, store.ErrNoReceipt)
	}
	return recs[0], nil
}

func (a *app) receiptVerifyCmd() *cobra.Command {
	var keyring string
	cmd := &cobra.Command{
		Use:   "verify [--keys FILE] TOKEN",
		Short: "check a receipt's code offline and say what it attests",
		Long: `Check a receipt's code (what its QR code holds) offline: its signature, against
this station's key and trusted.keys (and --keys), and where this station's
database holds the receipt, that the stored receipt still matches.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := a.o.catalog()
			if err != nil {
				return err
			}
			var extra []string
			if keyring != "" {
				extra = append(extra, tui.ExpandHome(keyring))
			}
			rs, err := a.o.receipts(extra...)
			if err != nil {
				return err
			}
			return verifyReceipt(cmd.Context(), a.o, rs, t, args[0], cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&keyring, "keys", "", "a trusted.keys `file` of other stations' public keys")
	return cmd
}

// verifyReceipt checks a token offline and says what it attests, or why
// it fails. Where this station's database holds the receipt, it also
// checks that the stored receipt still matches the token.
func verifyReceipt(ctx context.Context, o options, rs *station.Receipts, t i18n.Catalog, token string, stdout io.Writer) error {
	// The token stands on its own: without a database, only it is checked.
	st, _ := store.Open(ctx, o.db)
	if st != nil {
		defer st.Close()
	}
	v, err := station.VerifyToken(ctx, st, rs.Keyring, token)
	if receipt.ProblemOf(err) != "" {
		fmt.Fprintln(stdout, tui.VerifyText(t, v, err))
		return errQuiet
	}
	tok := v.Token
	fmt.Fprintln(stdout, t.T("verify.ok", tok.KeyID))
	fmt.Fprintln(stdout, t.T("verify.attests", t.T("receipt.title."+string(tok.Kind)), tok.Number, tok.Serial, t.DateLong(tok.Issued)))
	if err != nil {
		fmt.Fprintln(stdout, tui.VerifyText(t, v, err))
		return errQuiet
	}
	if sig := v.Signature; sig != nil {
		fmt.Fprintln(stdout, t.T("verify.signed", scan.Clean(sig.Signer), t.T("sign.method."+sig.Method), t.DateLong(sig.Signed), scan.Clean(sig.SignStation), scan.Clean(sig.Staff)))
	}
	if rc := v.Content; v.Stored != nil {
		fmt.Fprintln(stdout, t.T("verify.stored", scan.Clean(rc.Official), scan.Clean(rc.Station), scan.Clean(rc.Staff), scan.Clean(rc.Account)))
	}
	return nil
}
