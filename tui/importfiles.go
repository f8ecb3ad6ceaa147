package tui

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// rosterFile is a roster file (a workbook or CSV) the import screen
// offers to read.
type rosterFile struct {
	Path string // the path to read
	Name string // the file's name
	Dir  string // its folder, with ~ for the home folder
	Mod  time.Time
}

// rosterFilesShown is how many files the import screen lists: the
// newest, which is where a roster just saved from Excel is.
const rosterFilesShown = 5

// RosterFolders are the folders the import screen looks in for a
// roster: the current folder, the exports folder, and the home folder's
// downloads, desktop and documents, as the desktop's user-dirs.dirs
// names them and under the names Norwegian, Swedish and English
// desktops give them. Folders that do not exist are left out.
func RosterFolders(exports string) []string {
	var out []string
	add := func(dir string) {
		if dir == "" {
			return
		}
		dir = filepath.Clean(dir)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || slices.Contains(out, dir) {
			return
		}
		out = append(out, dir)
	}
	if wd, err := os.Getwd(); err == nil {
		add(wd)
	}
	add(ExpandHome(exports))
	home, err := os.UserHomeDir()
	if err != nil {
		return out
	}
	for _, d := range userDirs(home, "DOWNLOAD", "DESKTOP", "DOCUMENTS") {
		add(d)
	}
	for _, name := range []string{"Nedlastinger", "Hämtningar", "Hämtade filer", "Downloads",
		"Skrivebord", "Skrivbord", "Desktop", "Dokumenter", "Dokument", "Documents"} {
		add(filepath.Join(home, name))
	}
	return out
}

// userDirs reads the named folders from the desktop's
// ~/.config/user-dirs.dirs (lines such as
// XDG_DOWNLOAD_DIR="$HOME/Nedlastinger"), in the order asked.
func userDirs(home string, names ...string) []string {
	conf := os.Getenv("XDG_CONFIG_HOME")
	if conf == "" {
		conf = filepath.Join(home, ".config")
	}
	f, err := os.Open(filepath.Join(conf, "user-dirs.dirs"))
	if err != nil {
		return nil
	}
	defer f.Close()
	found := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok || !strings.HasPrefix(k, "XDG_") || !strings.HasSuffix(k, "_DIR") {
			continue
		}
		v = strings.Trim(v, `"`)
		if rest, ok := strings.CutPrefix(v, "$HOME"); ok {
			v = home + rest
		}
		if filepath.IsAbs(v) {
			found[strings.TrimSuffix(strings.TrimPrefix(k, "XDG_"), "_DIR")] = v
		}
	}
	var out []string
	for _, n := range names {
		if d := found[n]; d != "" {
			out = append(out, d)
		}
	}
	return out
}

// findRosterFiles lists the workbooks and CSV files directly in folders,
// newest first, at most n. It reads only the folders' entries, never a
// file.
func findRosterFiles(folders []string, n int) []rosterFile {
	home, _ := os.UserHomeDir()
	var out []rosterFile
	for _, dir := range folders {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		shown := dir
		if home != "" {
			if rel, err := filepath.Rel(home, dir); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
				shown = filepath.Join("~", rel)
			}
		}
		for _, e := range entries {
			ext := filepath.Ext(e.Name())
			// "~$" is the lock file Excel keeps beside a workbook it has open.
			if !strings.EqualFold(ext, ".csv") && !strings.EqualFold(ext, ".xlsx") || strings.HasPrefix(e.Name(), ".") || strings.HasPrefix(e.Name(), "~$") {
				continue
			}
			fi, err := e.Info()
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			out = append(out, rosterFile{Path: filepath.Join(dir, e.Name()), Name: e.Name(), Dir: shown, Mod: fi.ModTime()})
		}
	}
	slices.SortStableFunc(out, func(a, b rosterFile) int {
		if c := b.Mod.Compare(a.Mod); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return out[:min(n, len(out))]
}
