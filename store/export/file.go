package export

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// WriteFile writes an export to path whole or not at all: into a
// temporary file beside it, synced, then renamed over path, so a full
// disk or a crash never leaves half a workbook where the last good one
// was.
func WriteFile(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// The lists hold personal data: readable by the user and their group,
	// as a file they saved themselves would be.
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// SaveNew writes an export to a new file in dir named for what it holds
// and the day, "utestaende-2026-12-04.xlsx", or "...-2.xlsx" and on when
// that name is taken: a file the user already has is never overwritten.
// A dir that does not exist yet is made. It returns the path written.
func SaveNew(dir, base string, day time.Time, ext string, write func(io.Writer) error) (string, error) {
	if dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return "", err
		}
	}
	stem := filepath.Join(dir, base+"-"+day.Format("2006-01-02"))
	for i := 1; i < 1000; i++ {
		path := stem + ext
		if i > 1 {
			path = fmt.Sprintf("%s-%d%s", stem, i, ext)
		}
		// Claim the name first, so two exports at once never pick the same.
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		f.Close()
		if err := WriteFile(path, write); err != nil {
			os.Remove(path)
			return "", err
		}
		return path, nil
	}
	return "", fmt.Errorf("%s: no free file name", stem+ext)
}
