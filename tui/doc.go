// Package tui is dropin's terminal interface: one root model (app.go) that
// owns layout, focus and the scanner, and one file per screen. Screens are
// plain structs the root calls; they read and write the store only through
// commands, so Update never waits on the disk.
//
// Everything drawn from data (serials, names, reasons) passes through
// scan.Clean first: a roster or a scanner must never be able to send the
// terminal an escape sequence.
package tui
