package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// seedExpected puts n expected tablets TAB000000... in the store in one
// transaction, the way a roster import does.
func seedExpected(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	err := s.inTx(ctx, func(tx wtx) error {
		for i := range n {
			serial := fmt.Sprintf("TAB%06d", i)
			e := s.newEvent(desk, KindRegistered, serial, 1, "", registeredPayload{V: 1, Model: "iPad 9"})
			if err := insertEvent(ctx, tx, e); err != nil {
				return err
			}
			d, err := projectDevice(serial, []Event{e})
			if err != nil {
				return err
			}
			if err := saveDevice(ctx, tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// The crash tests: a child process does one kind of work in a loop and
// prints "ACK <what>" once each piece has returned, which is when a desk
// would show "saved"; the parent kills it with SIGKILL at random moments,
// starts it again where it left off, and in the end checks that everything
// acknowledged is there, that nothing is half-written, and that SQLite's
// integrity check passes. Four kinds of work, DROPIN_CRASH_KILLS kills each
// (25 by default, 50 in CI: 200 kill points).

// TestCrashChild is the child. DROPIN_CRASH_MODE says what it does.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("DROPIN_CRASH_DB")
	if path == "" {
		t.Skip("run by the TestKilled... tests")
	}
	ctx := context.Background()
	if os.Getenv("DROPIN_CRASH_MODE") == "readonly" {
		s, err := Open(ctx, path)
		if err != nil {
			fmt.Printf("OPEN %v | %v\n", errors.Is(err, ErrReadOnly), err)
			os.Exit(0)
		}
		_, err = s.CheckIn(ctx, "TAB000099", Actor{Station: "ro", Staff: "KN"})
		fmt.Printf("WRITE %v | %v\n", errors.Is(err, ErrReadOnly), err)
		os.Exit(0)
	}
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	// Ready once writes can go: they wait for the check of every page
	// that opening starts, which under the race detector alone can take
	// longer than the parent's longest wait.
	if err := s.Health(ctx); err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	fmt.Println("READY")
	by := Actor{Station: "crash", Staff: "KN"}
	fail := func(err error) {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	switch os.Getenv("DROPIN_CRASH_MODE") {
	case "checkin":
		from, _ := strconv.Atoi(os.Getenv("DROPIN_CRASH_FROM"))
		for i := from; ; i++ {
			serial := fmt.Sprintf("TAB%06d", i)
			if _, err := s.CheckIn(ctx, serial, by); err != nil {
				fail(err)
			}
			fmt.Printf("ACK %s\n", serial)
		}
	case "import":
		// Each round imports a roster of 50 new officials with tablets.
		for r := nextRound(s, `SELECT count(*) / 50 FROM officials`); ; r++ {
			if _, err := s.Import(ctx, crashRoster(r), by, false); err != nil {
				fail(err)
			}
			fmt.Printf("ACK %d\n", r)
		}
	case "bulk":
		// Each round: a batch of 40 tablets read, sent to IT, upgraded.
		for r := nextRound(s, `SELECT count(*) FROM batches`); ; r++ {
			b, err := s.OpenBatch(ctx, BatchSpec{Name: fmt.Sprintf("round %d", r)}, by)
			if err != nil {
				fail(err)
			}
			var raws []string
			for i := range 40 {
				raws = append(raws, fmt.Sprintf("TAB%06d", r*40+i))
			}
			if _, err := s.ReadBatch(ctx, b.ID, raws, by); err != nil {
				fail(err)
			}
			fmt.Printf("ACK read %d\n", r)
			if _, err := s.SentToIT(ctx, b.ID, by); err != nil {
				fail(err)
			}
			fmt.Printf("ACK sent %d\n", r)
			if _, err := s.Upgraded(ctx, b.ID, nil, by); err != nil {
				fail(err)
			}
			fmt.Printf("ACK upgraded %d\n", r)
		}
	case "full":
		// The disk fills up: no file may grow past its size now plus a
		// little, as on a full disk. Check in until a write is refused.
		info, _ := os.Stat(path)
		limit := uint64(info.Size() + 256<<10)
		signal.Ignore(syscall.SIGXFSZ)
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
			fail(err)
		}
		for i := 0; ; i++ {
			serial := fmt.Sprintf("TAB%06d", i)
			if _, err := s.CheckIn(ctx, serial, by); err != nil {
				fmt.Printf("FULL %v | %v\n", errors.Is(err, ErrDiskFull), err)
				// Room again? The next try must fail the same way, not crash.
				_, err = s.CheckIn(ctx, serial, by)
				fmt.Printf("AGAIN %v\n", errors.Is(err, ErrDiskFull))
				os.Exit(0)
			}
			fmt.Printf("ACK %s\n", serial)
		}
	case "queue":
		// Each round one visitor joins the queue; every third round the
		// desk calls the next.
		for r := nextRound(s, `SELECT count(*) FROM visits`); ; r++ {
			if _, err := s.Arrive(ctx, VisitInput{Name: fmt.Sprintf("Visitor %06d", r), Topic: "teams"}, by); err != nil {
				fail(err)
			}
			fmt.Printf("ACK arrived %06d\n", r)
			if r%3 == 2 {
				v, err := s.CallNext(ctx, by)
				if err != nil {
					fail(err)
				}
				fmt.Printf("ACK called %s\n", v.Name[len("Visitor "):])
			}
		}
	case "pull":
		// Pages of 50 events from another station, each page applied with
		// its cursor; a restarted desk goes on from its cursor.
		for {
			cursor, err := s.Cursor(ctx)
			if err != nil {
				fail(err)
			}
			if _, err := s.ApplyPulled(ctx, crashPage(cursor), cursor+50); err != nil {
				fail(err)
			}
			fmt.Printf("ACK %d\n", cursor+50)
		}
	}
}

func nextRound(s *Store, q string) int {
	var n int
	s.read.QueryRow(q).Scan(&n)
	return n
}

func crashRoster(r int) *Roster {
	ros := &Roster{}
	for i := range 50 {
		id := fmt.Sprintf("crash%05d.%02d@levanger.kommune.no", r, i)
		ros.Officials = append(ros.Officials, Official{ID: id, Name: fmt.Sprintf("Åse Crash %d %d", r, i), Municipality: "Levanger",
			EmailPrimary: id, Seats: []Seat{{Body: "Kommunestyret", Role: "Medlem"}}})
		ros.Tablets = append(ros.Tablets, RosterTablet{Serial: fmt.Sprintf("IMP%05d%03d", r, i), Model: "iPad", Official: id, Line: i + 2})
	}
	return ros
}

// crashPage is the page of 50 events after cursor, the same every time.
func crashPage(cursor int64) []SyncedEvent {
	var evs []SyncedEvent
	for i := range int64(50) {
		seq := cursor + i + 1
		evs = append(evs, SyncedEvent{Seq: seq, Event: Event{
			ID:      fmt.Sprintf("0192f0c2-7a4e-7cc1-9a57-%012d", seq),
			Station: "remote", Actor: "RM", HLC: HLC(1_700_000_000_000<<16 + seq), Kind: KindRegistered,
			Subject: fmt.Sprintf("REM%08d", seq), Cycle: 1, Payload: []byte(`{"v":1,"model":"iPad"}`),
		}})
	}
	return evs
}

// killLoop runs the child in mode again and again, killing it at a random
// moment each time; ack is called with every acknowledgement read.
func killLoop(t *testing.T, path, mode string, longest time.Duration, env func() []string, ack func(string)) int {
	t.Helper()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	kills := 25
	if os.Getenv("CI") != "" {
		kills = 50
	}
	if n, err := strconv.Atoi(os.Getenv("DROPIN_CRASH_KILLS")); err == nil {
		kills = n
	}
	for round := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), append(env(), "DROPIN_CRASH_DB="+path, "DROPIN_CRASH_MODE="+mode)...)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill after a random number of acknowledgements, or a random
		// time, whichever comes first, so kills land mid-transaction too.
		// The time counts from the child's READY: on a loaded machine its
		// start-up alone can take longer than the longest wait, and a
		// kill before the store can write tests nothing.
		killAfter := 1 + rng.IntN(40)
		wait := 5*time.Millisecond + time.Duration(rng.Int64N(int64(longest)))
		var deadline <-chan time.Time
		got := 0
	read:
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					break read
				}
				if what, found := strings.CutPrefix(line, "ACK "); found {
					ack(what)
					if got++; got >= killAfter {
						break read
					}
				} else if line == "READY" {
					deadline = time.After(wait)
				} else if strings.HasPrefix(line, "ERR") {
					t.Fatalf("round %d: child: %s", round, line)
				}
			case <-deadline:
				break read
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		for line := range lines { // the pipe may still hold acknowledgements
			if what, found := strings.CutPrefix(line, "ACK "); found {
				ack(what)
			}
		}
		cmd.Wait()
	}
	return kills
}

// reopen opens the database after the kills and checks every page.
func reopen(t *testing.T, path string, kills int) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen after %d kills: %v", kills, err)
	}
	t.Cleanup(func() { s.Close() })
	if res, err := s.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	return s
}

func crashTest(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes; skipped with -short")
	}
}

// TestKilledMidCheckIn: every acknowledged check-in is there.
func TestKilledMidCheckIn(t *testing.T) {
	crashTest(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	seedExpected(t, s, 20000)
	s.Close()
	acked := map[string]bool{}
	next := 0
	kills := killLoop(t, path, "checkin", 200*time.Millisecond, func() []string { return []string{"DROPIN_CRASH_FROM=" + strconv.Itoa(next)} }, func(serial string) {
		acked[serial] = true
		n, _ := strconv.Atoi(strings.TrimPrefix(serial, "TAB"))
		next = max(next, n+1)
	})
	s = reopen(t, path, kills)
	for serial := range acked {
		card, err := s.Card(ctx, serial)
		if err != nil || card.Device.Status != Received {
			t.Fatalf("%s was acknowledged but is %q after the crash (%v)", serial, card.Device.Status, err)
		}
	}
	if len(acked) < kills {
		t.Fatalf("only %d check-ins acknowledged in %d rounds: the test proved little", len(acked), kills)
	}
	t.Logf("%d kills, %d acknowledged check-ins, all present", kills, len(acked))
}

// TestKilledMidImport: every acknowledged roster import is there whole,
// and no import is there in part.
func TestKilledMidImport(t *testing.T) {
	crashTest(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	acked := map[int]bool{}
	kills := killLoop(t, path, "import", 800*time.Millisecond, func() []string { return nil }, func(r string) {
		n, _ := strconv.Atoi(r)
		acked[n] = true
	})
	s := reopen(t, path, kills)
	rows, err := s.read.QueryContext(ctx, `SELECT substr(id, 6, 5), count(*), (SELECT count(*) FROM devices d WHERE d.serial LIKE 'IMP' || substr(o.id, 6, 5) || '%')
FROM officials o GROUP BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	present := map[int]bool{}
	for rows.Next() {
		var r string
		var officials, tablets int
		rows.Scan(&r, &officials, &tablets)
		n, _ := strconv.Atoi(r)
		if officials != 50 || tablets != 50 {
			t.Fatalf("import %d is there in part: %d officials, %d tablets", n, officials, tablets)
		}
		present[n] = true
	}
	for r := range acked {
		if !present[r] {
			t.Fatalf("import %d was acknowledged and is gone", r)
		}
	}
	if len(acked) < kills/3 {
		t.Fatalf("only %d imports acknowledged in %d rounds", len(acked), kills)
	}
	t.Logf("%d kills, %d acknowledged imports, all whole", kills, len(acked))
}

// TestKilledMidBulkSteps: every acknowledged batch step is there for the
// whole batch, and every batch's tablets stand together.
func TestKilledMidBulkSteps(t *testing.T) {
	crashTest(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	seedExpected(t, s, 20000)
	s.Close()
	want := map[int]Status{} // round → at least this status
	kills := killLoop(t, path, "bulk", 1500*time.Millisecond, func() []string { return nil }, func(what string) {
		step, r, _ := strings.Cut(what, " ")
		n, _ := strconv.Atoi(r)
		st := map[string]Status{"read": Received, "sent": Upgrading, "upgraded": Upgraded}[step]
		if st.Rank() > want[n].Rank() {
			want[n] = st
		}
	})
	s = reopen(t, path, kills)
	for r := 0; r < 500; r++ {
		var statuses []string
		rows, _ := s.read.QueryContext(ctx, `SELECT DISTINCT status FROM devices WHERE serial >= ? AND serial < ?`,
			fmt.Sprintf("TAB%06d", r*40), fmt.Sprintf("TAB%06d", r*40+40))
		for rows.Next() {
			var st string
			rows.Scan(&st)
			statuses = append(statuses, st)
		}
		rows.Close()
		if len(statuses) != 1 {
			t.Fatalf("batch %d is half-stepped: %v", r, statuses)
		}
		if got := Status(statuses[0]); got.Rank() < want[r].Rank() {
			t.Fatalf("batch %d: %s was acknowledged, the tablets are %s", r, want[r], got)
		}
	}
	if len(want) < kills/2 {
		t.Fatalf("only %d batches acknowledged in %d rounds", len(want), kills)
	}
	t.Logf("%d kills, %d batches stepped, every step acknowledged there for the whole batch", kills, len(want))
}

// TestKilledMidPull: the cursor and the events it covers move together,
// and every acknowledged page is there.
func TestKilledMidPull(t *testing.T) {
	crashTest(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	var acked int64
	kills := killLoop(t, path, "pull", 200*time.Millisecond, func() []string { return nil }, func(c string) {
		n, _ := strconv.ParseInt(c, 10, 64)
		acked = max(acked, n)
	})
	s := reopen(t, path, kills)
	cursor, err := s.Cursor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var events, devices int64
	s.read.QueryRow(`SELECT count(*) FROM events WHERE station = 'remote'`).Scan(&events)
	s.read.QueryRow(`SELECT count(*) FROM devices WHERE serial LIKE 'REM%'`).Scan(&devices)
	if cursor < acked || events != cursor || devices != cursor {
		t.Fatalf("cursor %d (acknowledged %d), %d events, %d tablets: they must agree", cursor, acked, events, devices)
	}
	t.Logf("%d kills, cursor at %d with every event under it", kills, cursor)
}

// TestDiskFullLosesNothing: when the disk refuses a write, the check-in
// fails with ErrDiskFull (the desk says "the disk is full"), and every
// check-in saved before is there, the file whole.
func TestDiskFullLosesNothing(t *testing.T) {
	crashTest(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "full.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	seedExpected(t, s, 20000)
	s.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	s.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "DROPIN_CRASH_DB="+path, "DROPIN_CRASH_MODE=full")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var acked []string
	var full, again string
	for _, line := range strings.Split(string(out), "\n") {
		switch {
		case strings.HasPrefix(line, "ACK "):
			acked = append(acked, strings.TrimPrefix(line, "ACK "))
		case strings.HasPrefix(line, "FULL "):
			full = line
		case strings.HasPrefix(line, "AGAIN "):
			again = line
		}
	}
	if !strings.HasPrefix(full, "FULL true") || again != "AGAIN true" {
		t.Fatalf("the disk filling up must be said as such:\n%s\n%s", full, again)
	}
	if len(acked) < 5 {
		t.Fatalf("only %d check-ins before the disk was full", len(acked))
	}
	s = reopen(t, path, 0)
	for _, serial := range acked {
		if card, err := s.Card(ctx, serial); err != nil || card.Device.Status != Received {
			t.Fatalf("%s was saved before the disk filled up and is %q now (%v)", serial, card.Device.Status, err)
		}
	}
	t.Logf("%d check-ins saved, then: %s", len(acked), strings.TrimPrefix(full, "FULL true | "))
}

// TestReadOnlyFolderIsSaid: a desk started where its database's folder
// cannot be written (a share mounted read-only, a folder whose rights
// changed) is told so in those words, and what was saved is intact.
func TestReadOnlyFolderIsSaid(t *testing.T) {
	crashTest(t)
	ctx := context.Background()
	base, err := os.MkdirTemp("", "dropin-ro")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { os.Chmod(filepath.Join(base, "db"), 0o755); os.RemoveAll(base) }()
	os.Chmod(base, 0o755)
	dir := filepath.Join(base, "db")
	os.Mkdir(dir, 0o777)
	path := filepath.Join(dir, "ro.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	seedExpected(t, s, 100)
	for i := range 5 {
		if _, err := s.CheckIn(ctx, fmt.Sprintf("TAB%06d", i), desk); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	os.Chmod(path, 0o666)
	// The child runs as another user when the test runs as root (root
	// writes anywhere): a copy of the test binary it may run, the folder
	// read-only to it.
	child := filepath.Join(base, "child.test")
	if err := copyExecutable(os.Args[0], child); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(child, "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "DROPIN_CRASH_DB="+path, "DROPIN_CRASH_MODE=readonly", "GOCACHE="+base, "HOME="+base)
	if os.Getuid() == 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	}
	out, err := cmd.CombinedOutput()
	if errors.Is(err, syscall.EPERM) {
		t.Skipf("cannot start the child as another user here (%v): run the tests as a user other than root", err)
	}
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	said := ""
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "OPEN ") || strings.HasPrefix(line, "WRITE ") {
			said = line
		}
	}
	if !strings.Contains(said, " true | ") || !strings.Contains(said, "read-only") {
		t.Fatalf("a read-only folder must be said as such: %q\n%s", said, out)
	}
	os.Chmod(dir, 0o755)
	s = reopen(t, path, 0)
	for i := range 5 {
		if card, err := s.Card(ctx, fmt.Sprintf("TAB%06d", i)); err != nil || card.Device.Status != Received {
			t.Fatalf("TAB%06d was saved and is %q now (%v)", i, card.Device.Status, err)
		}
	}
	t.Logf("said: %s", said)
}

func copyExecutable(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}
