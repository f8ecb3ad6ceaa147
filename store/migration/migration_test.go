package migration

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestReadOrdersAndRefusesGapsAndBadNames(t *testing.T) {
	ms, err := Read(fstest.MapFS{
		"m/002_b.sql": {Data: []byte("B")}, "m/001_a.sql": {Data: []byte("A")}, "m/README": {Data: []byte("x")},
	}, "m")
	if err != nil || len(ms) != 2 || ms[0].Name != "001_a.sql" || ms[1].Version != 2 || ms[1].SQL != "B" {
		t.Fatalf("%+v %v", ms, err)
	}
	if _, err := Read(fstest.MapFS{"m/001_a.sql": {}, "m/003_c.sql": {}}, "m"); err == nil || !strings.Contains(err.Error(), "want version 2") {
		t.Fatalf("a gap: %v", err)
	}
	if _, err := Read(fstest.MapFS{"m/first.sql": {}}, "m"); err == nil {
		t.Fatal("a name without a number must be refused")
	}
}
