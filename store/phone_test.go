package store

import "testing"

// The rosters' numbers as typed, and as the desk shows them.
func TestPhoneText(t *testing.T) {
	for raw, want := range map[string]string{
		"433 97 912":       "433 97 912",
		"49358968":         "493 58 968",
		" 90876681 ":       "908 76 681",
		"+47 92079212":     "+47 920 79 212",
		"+4792079212":      "+47 920 79 212",
		"0047 920 79 212":  "+47 920 79 212",
		"74 05 01 00":      "74 05 01 00",
		"74050100":         "74 05 01 00",
		"0706163032":       "070-616 30 32",
		"070-616 30 32":    "070-616 30 32",
		"+46 70 616 30 32": "+46 70 616 30 32",
		"+46706163032":     "+46 70 616 30 32",
		"031-123 45 67":    "031-123 45 67",    // a Swedish landline: as typed
		"+44 20 7946 0958": "+44 20 7946 0958", // foreign: as typed
		"4935896":          "4935896",          // a digit short: as typed
		"ring sentralbord": "ring sentralbord",
		"":                 "",
	} {
		if got := PhoneText(raw); got != want {
			t.Errorf("PhoneText(%q) = %q, want %q", raw, got, want)
		}
	}
}
