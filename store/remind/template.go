package remind

import (
	"bufio"
	"embed"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"dropin/scan"
)

//go:embed templates/*.txt
var builtIn embed.FS

// Fields are the named fields a template may use, as {name}.
var Fields = []string{"name", "municipality", "bodies", "serial", "model", "account", "place", "hours", "deadline"}

// Template is a reminder's text: a subject line and a body, with named
// fields. "{{" is a literal "{".
type Template struct {
	Name    string // the file's name, or "built-in nb"
	Subject string
	Body    string
}

// TemplateError is a template refused: the line, and what is wrong there.
type TemplateError struct {
	File  string
	Line  int
	Field string // an unknown field; "" for a missing subject line
}

func (e *TemplateError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s line %d: the first line must be \"Subject: ...\"", e.File, e.Line)
	}
	return fmt.Sprintf("%s line %d: unknown field {%s} (known: %s)", e.File, e.Line, e.Field, strings.Join(Fields, ", "))
}

// BuiltIn is the language's own template ("nb", "sv", "en").
func BuiltIn(lang string) *Template {
	f, err := builtIn.Open("templates/" + lang + ".txt")
	if err != nil {
		f, _ = builtIn.Open("templates/nb.txt")
		lang = "nb"
	}
	defer f.Close()
	t, err := ParseTemplate("built-in "+lang, f)
	if err != nil {
		panic(err) // the embedded templates are checked by the tests
	}
	return t
}

// LoadTemplate reads a template file.
func LoadTemplate(path string) (*Template, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ParseTemplate(filepath.Base(path), f)
}

// ParseTemplate reads a template: "Subject: ..." on its first line, an
// empty line, then the body. A field it does not know is refused with
// its line, so a typo never reaches an official as "{nmae}".
func ParseTemplate(name string, r io.Reader) (*Template, error) {
	t := &Template{Name: name}
	sc := bufio.NewScanner(r)
	var body []string
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
			subject, ok := strings.CutPrefix(line, "Subject:")
			if !ok {
				return nil, &TemplateError{File: name, Line: 1}
			}
			t.Subject = strings.TrimSpace(subject)
		} else if n == 2 && strings.TrimSpace(line) == "" {
			continue
		} else {
			body = append(body, line)
		}
		if f := unknownField(line); f != "" {
			return nil, &TemplateError{File: name, Line: n, Field: f}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, &TemplateError{File: name, Line: 1}
	}
	t.Body = strings.TrimRight(strings.Join(body, "\n"), "\n") + "\n"
	return t, nil
}

// unknownField is the first {field} in line that is not one of Fields.
func unknownField(line string) string {
	for i := 0; i < len(line); i++ {
		if line[i] != '{' {
			continue
		}
		if strings.HasPrefix(line[i:], "{{") {
			i++
			continue
		}
		end := strings.IndexByte(line[i:], '}')
		if end < 0 {
			return line[i+1:]
		}
		if f := line[i+1 : i+end]; !known[f] {
			return f
		}
		i += end
	}
	return ""
}

var known = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range Fields {
		m[f] = true
	}
	return m
}()

// Render fills the fields. Values are cleaned of control characters
// (CR and LF included), so no value can start a header of its own.
func (t *Template) Render(values map[string]string) (subject, body string) {
	fill := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] == '{' {
				if strings.HasPrefix(s[i:], "{{") {
					b.WriteByte('{')
					i++
					continue
				}
				if end := strings.IndexByte(s[i:], '}'); end > 0 {
					b.WriteString(oneLine(values[s[i+1:i+end]]))
					i += end
					continue
				}
			}
			b.WriteByte(s[i])
		}
		return b.String()
	}
	return oneLine(fill(t.Subject)), fill(t.Body)
}

// oneLine is s with every control character and escape sequence gone.
func oneLine(s string) string {
	return strings.Join(strings.Fields(scan.Clean(strings.NewReplacer("\r", " ", "\n", " ").Replace(s))), " ")
}

// Uses says whether the template names a field.
func (t *Template) Uses(field string) bool {
	return strings.Contains(strings.ReplaceAll(t.Subject+t.Body, "{{", ""), "{"+field+"}")
}
