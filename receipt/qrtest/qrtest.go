// Package qrtest reads a receipt's QR code back from an image, for tests
// that check what a phone or the desk's scanner would read off a receipt.
// It is imported by tests only.
package qrtest

import (
	"image"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// Decode returns the text of the QR code in img, failing the test when
// there is none. gozxing's detector misses about 1 in 100 valid codes in
// one orientation (zbarimg reads every one of them, and gozxing reads them
// turned a quarter), so it turns the page the way a phone is turned,
// TRY_HARDER as a scanning app does.
func Decode(t testing.TB, img image.Image) string {
	t.Helper()
	hints := map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true}
	var err error
	for turn := 0; turn < 4; turn++ {
		var bmp *gozxing.BinaryBitmap
		if bmp, err = gozxing.NewBinaryBitmapFromImage(img); err != nil {
			t.Fatal(err)
		}
		var res *gozxing.Result
		if res, err = zxqr.NewQRCodeReader().Decode(bmp, hints); err == nil {
			return res.GetText()
		}
		img = quarterTurn(img)
	}
	t.Fatalf("no QR code found: %v", err)
	return ""
}

// quarterTurn turns img 90 degrees clockwise.
func quarterTurn(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(b.Max.Y-1-y, x-b.Min.X, img.At(x, y))
		}
	}
	return out
}
