package tui

import (
	"errors"

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/scan"
	"dropin/tui/i18n"
)

// The receipts' outcomes in words, for the desk and the command line.

// PrintText says how printing went, in words, for the flash line and the
// command line. Failing to print never loses the receipt: the file is
// named so it can be printed by hand.
func PrintText(t i18n.Catalog, number int, job string, err error, file string) (string, bool) {
	switch {
	case err == nil:
		return t.T("receipt.printed", number, job), true
	case errors.Is(err, receipt.ErrNoPrinter):
		return t.T("receipt.noprinter", number, file), false
	}
	var pe *receipt.PrintError
	if errors.As(err, &pe) {
		return t.T("receipt.printfailed", number, scan.Clean(pe.Output), file), false
	}
	return t.T("receipt.printfailed", number, errText(err), file), false
}

// TokenRefusal says why a receipt token was refused.
func TokenRefusal(t i18n.Catalog, err error, keyID string) string {
	p := receipt.ProblemOf(err)
	if p == receipt.UnknownKey {
		return t.T("receipt.refused.unknown-key", keyID)
	}
	if p == "" {
		p = receipt.Malformed
	}
	return t.T("receipt.refused." + string(p))
}

// VerifyText says why VerifyToken refused a token.
func VerifyText(t i18n.Catalog, v station.Verified, err error) string {
	var p *station.StoredProblem
	switch {
	case errors.As(err, &p) && p.Signature:
		return t.T("verify.signaturebroken", p.Number)
	case errors.As(err, &p):
		return t.T("verify.mismatch", p.Number)
	case receipt.ProblemOf(err) != "":
		return TokenRefusal(t, err, v.Token.KeyID)
	}
	return storeError(t, err)
}
