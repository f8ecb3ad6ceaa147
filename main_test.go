package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dropin/store"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestExportDevices(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "dropin.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	by := store.Actor{Station: "skranke-1", Staff: "KN"}
	st.PutOfficial(ctx, store.Official{ID: "a@levanger.kommune.no", Name: "=Åse Ærlig", EmailPrimary: "a@levanger.kommune.no"}, by)
	st.Register(ctx, "DMPXK2ABC123", "iPad", "a@levanger.kommune.no", by)
	st.Step(ctx, "DMPXK2ABC123", store.KindUpgrading, store.Input{}, by)
	st.Close()

	var out, errb bytes.Buffer
	if code := run(ctx, []string{"export", "devices", "--db", db}, &out, &errb, env(nil)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "serial,model,official,official_email,status,updated_at,station" {
		t.Fatalf("header %q", got)
	}
	r := rows[1]
	if r[0] != "DMPXK2ABC123" || r[2] != "'=Åse Ærlig" || r[4] != "upgrading" || r[6] != "skranke-1" || !strings.HasPrefix(r[5], "20") {
		t.Fatalf("row %q (a leading = must be defused)", r)
	}

	// The same through the environment, for Excel.
	out.Reset()
	if code := run(ctx, []string{"export", "devices", "--excel"}, &out, &errb, env(map[string]string{"DROPIN_DB": db})); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), "\ufeffserial;model;") || !strings.Contains(out.String(), "\r\n") {
		t.Fatalf("excel export: %q", out.String()[:40])
	}
}

func TestCommandLine(t *testing.T) {
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"version"}, &out, &errb, env(nil)); code != 0 || !strings.HasPrefix(out.String(), "dropin ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	out.Reset()
	if code := run(ctx, []string{"--help"}, &out, &errb, env(nil)); code != 0 || !strings.Contains(errb.String(), "dropin export devices") {
		t.Fatalf("--help: %d %q", code, errb.String())
	}
	errb.Reset()
	if code := run(ctx, []string{"frobnicate"}, &out, &errb, env(nil)); code != 2 || !strings.Contains(errb.String(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %q", code, errb.String())
	}
	if code := run(ctx, []string{"--nope"}, &out, &errb, env(nil)); code != 2 {
		t.Fatalf("unknown flag: exit %d", code)
	}
	if code := run(ctx, []string{"export", "tablets", "--db", filepath.Join(t.TempDir(), "x.db")}, &out, &errb, env(nil)); code != 2 {
		t.Fatalf("unknown list: exit %d", code)
	}
}

func TestDefaultsFollowXDG(t *testing.T) {
	o := defaults(env(map[string]string{"XDG_DATA_HOME": "/data", "DROPIN_STATION": "verdal-1"}))
	if o.db != "/data/dropin/dropin.db" || o.station != "verdal-1" {
		t.Fatalf("%+v", o)
	}
	o = defaults(env(map[string]string{"DROPIN_DB": "/x.db"}))
	if o.db != "/x.db" || o.station == "" {
		t.Fatalf("%+v", o)
	}
}

func TestNotADatabaseSaysWhatToDo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	var out, errb bytes.Buffer
	writeJunk(t, path)
	if code := run(context.Background(), []string{"export", "devices", "--db", path}, &out, &errb, env(nil)); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errb.String(), "is not a dropin database") {
		t.Fatalf("message: %q", errb.String())
	}
}

func writeJunk(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Repeat([]byte("not sqlite "), 500), 0o600); err != nil {
		t.Fatal(err)
	}
}
