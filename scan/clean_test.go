package scan

import "testing"

func TestCleanTextKeepsLines(t *testing.T) {
	if got := CleanText("a\x1b[31mb\r\nc\x07\n"); got != "ab\nc\n" {
		t.Fatalf("CleanText = %q", got)
	}
}
