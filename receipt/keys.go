package receipt

import (
	"bufio"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Key is a station's signing key.
type Key struct {
	ID      string // short, derived from the public key
	Private ed25519.PrivateKey
	Public  ed25519.PublicKey
}

// Keyring is the public keys a verifier trusts, by key id.
type Keyring map[string]ed25519.PublicKey

const keyIDLen = 8

// keyID derives a key's id from its public half: 8 base32 characters.
func keyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return b32.EncodeToString(sum[:])[:keyIDLen]
}

// LoadKey reads the station's key from dir, making a new key pair on
// first use. The private key file is readable by its owner only; the
// public key is also written to the keyring beside it.
func LoadKey(dir string) (Key, error) {
	path := filepath.Join(dir, "station.key")
	seed, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return Key{}, fmt.Errorf("make key folder: %w", err)
		}
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return Key{}, err
		}
		seed = priv.Seed()
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return Key{}, fmt.Errorf("write station key: %w", err)
		}
		if _, err := f.Write([]byte(b32.EncodeToString(seed) + "\n")); err != nil {
			f.Close()
			return Key{}, fmt.Errorf("write station key: %w", err)
		}
		if err := f.Close(); err != nil {
			return Key{}, err
		}
	case err != nil:
		return Key{}, fmt.Errorf("read station key: %w", err)
	default:
		if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o077 != 0 {
			return Key{}, fmt.Errorf("%s is readable by others (mode %v): chmod 600 it", path, st.Mode().Perm())
		}
		raw, err := b32.DecodeString(strings.TrimSpace(string(seed)))
		if err != nil || len(raw) != ed25519.SeedSize {
			return Key{}, fmt.Errorf("%s is not a station key", path)
		}
		seed = raw
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := priv.Public().(ed25519.PublicKey)
	k := Key{ID: keyID(pub), Private: priv, Public: pub}
	line := k.PublicLine("this station") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "trusted.keys"), mergeLine(filepath.Join(dir, "trusted.keys"), line), 0o644); err != nil {
		return Key{}, fmt.Errorf("write keyring: %w", err)
	}
	return k, nil
}

// PublicLine is the key as a keyring line: id, public key, a comment.
func (k Key) PublicLine(comment string) string {
	return fmt.Sprintf("%s %s %s", k.ID, b32.EncodeToString(k.Public), strings.Join(strings.Fields(comment), " "))
}

// mergeLine returns the keyring file with line in it once.
func mergeLine(path, line string) []byte {
	old, _ := os.ReadFile(path)
	id := strings.Fields(line)[0]
	for _, l := range strings.Split(string(old), "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == id {
			return old
		}
	}
	return append(old, line...)
}

// LoadKeyring reads keyring files: one key per line, "ID PUBLICKEY
// comment", # for comments. A line whose id does not match its key is an
// error: the id is how tokens name keys.
func LoadKeyring(paths ...string) (Keyring, error) {
	kr := Keyring{}
	for _, path := range paths {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		for n := 1; sc.Scan(); n++ {
			fields := strings.Fields(sc.Text())
			if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
				continue
			}
			raw, err := b32.DecodeString(fields[min(1, len(fields)-1)])
			if len(fields) < 2 || err != nil || len(raw) != ed25519.PublicKeySize || keyID(raw) != fields[0] {
				f.Close()
				return nil, fmt.Errorf("%s:%d: not a key line (want: ID PUBLICKEY comment)", path, n)
			}
			kr[fields[0]] = ed25519.PublicKey(raw)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, err
		}
	}
	return kr, nil
}
