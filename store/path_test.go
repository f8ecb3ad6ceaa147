package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Every path a user can give opens the database there and nowhere else:
// relative with a folder in it (once read as a URI's host), absolute,
// with spaces, æøå, and the characters a file: URI gives meaning to.
// Missing folders are made.
func TestOpenAnyPath(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Chdir(dir)
	for _, path := range []string{
		"x.db",
		"lo/x.db",
		"./lo/y.db",
		"ny mappe/under/x.db",
		"Møtesalen æøå/Ærlig Åse.db",
		"spørsmål?/a?b#c.db",
		"prosent%20/100%.db",
		"kopi~/x~1.db",
		filepath.Join(dir, "abs olutt", "x.db"),
	} {
		t.Run(path, func(t *testing.T) {
			st, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("open %q: %v", path, err)
			}
			err = st.PutOfficial(ctx, Official{ID: "a@x.no", Name: "Åse", EmailPrimary: "a@x.no"}, desk)
			st.Close()
			if err != nil {
				t.Fatal(err)
			}
			want := path
			if !filepath.IsAbs(want) {
				want = filepath.Join(dir, path)
			}
			info, err := os.Stat(want)
			if err != nil || info.Size() == 0 {
				t.Fatalf("the database is not at %s: %v", want, err)
			}
			// Opened again, it is the same database.
			st, err = Open(ctx, want)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if o, err := st.Official(ctx, "a@x.no"); err != nil || o.Name != "Åse" {
				t.Fatalf("reopened %s: %+v %v", want, o, err)
			}
		})
	}
	// Nothing was made anywhere else: no folder named for a URI's host or
	// query, no stray file.
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := map[string]bool{"x.db": true, "x.db-wal": true, "x.db-shm": true, "lo": true, "ny mappe": true,
		"Møtesalen æøå": true, "spørsmål?": true, "prosent%20": true, "kopi~": true, "abs olutt": true}
	for _, n := range names {
		if !want[n] {
			t.Errorf("stray %q in the working folder (all: %q)", n, names)
		}
	}
}

func TestOpenSaysWhyAPathCannotHoldADatabase(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "roster.csv")
	os.WriteFile(file, []byte("Navn\n"), 0o600)
	if _, err := Open(ctx, filepath.Join(file, "x.db")); !errors.Is(err, ErrNoFolder) {
		t.Errorf("a file where the folder should be: %v, want ErrNoFolder", err)
	}
	if _, err := Open(ctx, dir); !errors.Is(err, ErrIsFolder) {
		t.Errorf("a folder as the database: %v, want ErrIsFolder", err)
	}
}
