// Package receipt makes the paper (and file) that says who handed what to
// whom, and when: the receipt's content, its signed token, the QR code
// that carries the token, PDF and PNG rendering, and printing through
// CUPS. It knows nothing of SQL or screens; labels in the desk's language
// come from the caller.
package receipt
