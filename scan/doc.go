// Package scan turns what a barcode scanner or a person typed into a trusted
// serial number, and tells a scanner's burst of keys from a person typing.
//
// A USB scanner in keyboard-wedge mode "types" the code a few milliseconds per
// key and presses Enter. Normalize and Validate make a serial of that text (or
// refuse it with a reason); Detector, placed in front of a Bubble Tea Update,
// recognises the burst so that a scanned serial never reaches a hotkey.
//
// The package knows nothing of storage or screens.
package scan
