package receipt

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strconv"
	"sync"

	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Paper is a receipt's page size.
type Paper string

const (
	A4   Paper = "a4"
	Slip Paper = "slip" // an 80 mm till roll
)

// ParsePaper reads a paper size from a flag.
func ParsePaper(s string) (Paper, error) {
	switch Paper(s) {
	case A4, "":
		return A4, nil
	case Slip, "80mm":
		return Slip, nil
	}
	return "", fmt.Errorf("paper %q: want a4 or slip", s)
}

// QR is the token's QR code. Level M and whole pixels per module: a code
// scaled by a fraction has uneven modules that phones fail to read.
func QR(token string) (*qrcode.QRCode, error) {
	return qrcode.New(token, qrcode.Medium)
}

// Lines is the receipt's text, label and value, as each of its forms
// shows it: the PDFs, the PNG and `dropin receipt show`.
func Lines(r Receipt, l Labels) [][2]string {
	official := r.Official
	if official == "" {
		official = l.NoOfficial
	} else if r.Municipality != "" {
		official += ", " + r.Municipality
	}
	device := r.Model
	if l.DeviceText != "" {
		device = l.DeviceText + ", " + r.Model
	}
	out := [][2]string{{l.Number, strconv.Itoa(r.Number)}, {l.Official, official}}
	if len(r.Items) == 0 {
		out = append(out, [2]string{l.Device, device}, [2]string{l.Serial, r.Serial}, [2]string{l.Status, l.StatusText})
	}
	for i, it := range r.Items {
		out = append(out, [2]string{l.Device, l.ItemTexts[i]}, [2]string{l.Serial, it.Serial})
	}
	out = append(out, [2]string{l.Time, l.Date(r.Issued)}, [2]string{l.Place, r.Station}, [2]string{l.Staff, r.Staff})
	if l.ReasonText != "" {
		out = append(out, [2]string{l.Reason, l.ReasonText})
	}
	if l.RequestText != "" {
		out = append(out, [2]string{l.Requests, l.RequestText})
	}
	if r.Account != "" { // the address alone on its line: it must never be cut
		out = append(out, [2]string{l.Account, r.Account}, [2]string{"", l.AccountNote})
	}
	return out
}

// PDF writes the receipt as a PDF on the given paper. The output is the
// same bytes for the same receipt: dates are the receipt's own and the
// objects are written in a fixed order.
func PDF(w io.Writer, r Receipt, l Labels, token string, paper Paper) error {
	q, err := QR(token)
	if err != nil {
		return fmt.Errorf("qr: %w", err)
	}
	qrPNG, err := q.PNG(-8)
	if err != nil {
		return fmt.Errorf("qr: %w", err)
	}
	var pdf *fpdf.Fpdf
	var width, qrSize, labelW float64
	if paper == Slip {
		pdf = fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: 80, Ht: 200}})
		pdf.SetMargins(5, 5, 5)
		width, qrSize, labelW = 70, 50, 24
	} else {
		pdf = fpdf.New("P", "mm", "A4", "")
		pdf.SetMargins(20, 20, 20)
		width, qrSize, labelW = 170, 60, 45
	}
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCreationDate(r.Issued)
	pdf.SetModificationDate(r.Issued)
	pdf.SetCatalogSort(true)
	tr := pdf.UnicodeTranslatorFromDescriptor("") // UTF-8 to cp1252: æøå äö for the core fonts
	pdf.SetTitle(tr(l.Title+" "+strconv.Itoa(r.Number)), false)
	pdf.AddPage()
	left, _, _, _ := pdf.GetMargins()

	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(width, 7, tr(l.Title), "", "L", false)
	pdf.Ln(2)
	for _, ln := range Lines(r, l) {
		pdf.SetFont("Helvetica", "B", 9)
		y := pdf.GetY()
		pdf.SetXY(left, y)
		pdf.MultiCell(labelW, 5, tr(ln[0]), "", "L", false)
		pdf.SetXY(left+labelW, y)
		pdf.SetFont("Helvetica", "", 9)
		pdf.MultiCell(width-labelW, 5, tr(ln[1]), "", "L", false)
	}
	if r.Signed {
		pdf.Ln(2)
		boxW := width
		boxH := boxW * padAspect
		top := pdf.GetY()
		pdf.SetDrawColor(160, 160, 160)
		pdf.Rect(left, top, boxW, boxH, "D")
		pdf.SetDrawColor(0, 0, 40)
		pdf.SetLineWidth(0.5)
		sx, sy := boxW/float64(PadWidth), boxH/float64(PadHeight)
		for _, st := range r.Strokes {
			for i := 1; i < len(st); i++ {
				a, b := st[i-1], st[i]
				pdf.Line(left+(float64(a.X)+0.5)*sx, top+(float64(a.Y)+0.5)*sy, left+(float64(b.X)+0.5)*sx, top+(float64(b.Y)+0.5)*sy)
			}
			if len(st) == 1 {
				p := st[0]
				pdf.Circle(left+(float64(p.X)+0.5)*sx, top+(float64(p.Y)+0.5)*sy, 0.4, "F")
			}
		}
		pdf.SetLineWidth(0.2)
		pdf.SetY(top + boxH + 1)
		pdf.SetFont("Helvetica", "I", 8)
		pdf.MultiCell(width, 4, tr(l.SignedText(r)), "", "L", false)
	}
	pdf.Ln(4)
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("qr", opt, bytes.NewReader(qrPNG))
	pdf.ImageOptions("qr", left+(width-qrSize)/2, pdf.GetY(), qrSize, qrSize, false, opt, 0, "")
	pdf.SetY(pdf.GetY() + qrSize + 2)
	pdf.SetFont("Courier", "", 5)
	pdf.MultiCell(width, 2.4, token, "", "L", false)
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "", 7)
	pdf.MultiCell(width, 3.5, tr(l.Verify), "", "L", false)
	if err := pdf.Error(); err != nil {
		return err
	}
	return pdf.Output(w)
}

// fonts are the Go fonts, parsed once. A font.Face is not safe for
// concurrent use, so each image makes its own faces from them.
var fonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	var out [2]*opentype.Font
	for i, ttf := range [][]byte{goregular.TTF, gobold.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			return out, err
		}
		out[i] = f
	}
	return out, nil
})

func faces() (regular, bold font.Face, err error) {
	fs, err := fonts()
	if err != nil {
		return nil, nil, err
	}
	opt := &opentype.FaceOptions{Size: 22, DPI: 72, Hinting: font.HintingFull}
	if regular, err = opentype.NewFace(fs[0], opt); err != nil {
		return nil, nil, err
	}
	bold, err = opentype.NewFace(fs[1], opt)
	return regular, bold, err
}

// PNG writes the receipt as an image: the text, and the QR code at 8
// pixels a module.
func PNG(w io.Writer, r Receipt, l Labels, token string) error {
	q, err := QR(token)
	if err != nil {
		return fmt.Errorf("qr: %w", err)
	}
	code := q.Image(-8)
	const width, margin, lineH = 900, 40, 34
	rows := Lines(r, l)
	sigTop := margin + lineH*(len(rows)+2) + 10
	sigW := width - 2*margin
	sigH := 0
	if r.Signed {
		sigH = int(float64(sigW)*padAspect) + lineH
	}
	qrTop := sigTop + sigH + 20
	height := qrTop + code.Bounds().Dy() + margin
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	regular, bold, err := faces()
	if err != nil {
		return err
	}
	text := func(f font.Face, x, y int, s string) {
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: f, Dot: fixed.P(x, y)}
		d.DrawString(s)
	}
	text(bold, margin, margin+lineH, l.Title)
	for i, ln := range rows {
		y := margin + lineH*(i+3)
		text(bold, margin, y, ln[0])
		text(regular, margin+260, y, ln[1])
	}
	if r.Signed {
		boxH := sigH - lineH
		grey := color.RGBA{160, 160, 160, 255}
		for x := margin; x < margin+sigW; x++ {
			img.Set(x, sigTop, grey)
			img.Set(x, sigTop+boxH, grey)
		}
		for y := sigTop; y <= sigTop+boxH; y++ {
			img.Set(margin, y, grey)
			img.Set(margin+sigW-1, y, grey)
		}
		ink := color.RGBA{0, 0, 60, 255}
		sx, sy := float64(sigW)/float64(PadWidth), float64(boxH)/float64(PadHeight)
		at := func(p Point) (int, int) {
			return margin + int((float64(p.X)+0.5)*sx), sigTop + int((float64(p.Y)+0.5)*sy)
		}
		for _, st := range r.Strokes {
			for i := range st {
				x0, y0 := at(st[max(0, i-1)])
				x1, y1 := at(st[i])
				thickLine(img, x0, y0, x1, y1, ink)
			}
		}
		text(regular, margin, sigTop+boxH+lineH-8, l.SignedText(r))
	}
	draw.Draw(img, code.Bounds().Add(image.Pt((width-code.Bounds().Dx())/2, qrTop)), code, image.Point{}, draw.Src)
	return png.Encode(w, img)
}

// The signature pad's size in cells, and its shape on paper: a terminal
// cell is about twice as tall as wide.
const (
	PadWidth  = 60
	PadHeight = 10
	padAspect = float64(PadHeight) * 2 / float64(PadWidth)
)

// thickLine draws a line three pixels wide (a square pen along Line).
func thickLine(img *image.RGBA, x0, y0, x1, y1 int, c color.Color) {
	Line(x0, y0, x1, y1, func(x, y int) {
		for i := -1; i <= 1; i++ {
			for j := -1; j <= 1; j++ {
				img.Set(x+i, y+j, c)
			}
		}
	})
}

// Line calls plot for every point of the straight line from (x0, y0) to
// (x1, y1), ends included (Bresenham). The pad draws with it in braille
// dots, the receipt in pixels.
func Line(x0, y0, x1, y1 int, plot func(x, y int)) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for {
		plot(x0, y0)
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
