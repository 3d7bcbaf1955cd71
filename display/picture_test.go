package display

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"
)

// pictureOK returns the drawing a chart bundle's PNG picture was rasterized
// from: the SVG the tests read shapes, text and colours from (as the chart's
// bundle built it, a note with the reason when the chart cannot be drawn).
// ok is false when the bundle holds no PNG picture, or also an SVG one (which
// nbconvert would prefer, and blank).
func (b Bundle) pictureOK() (svg string, ok bool) {
	if _, has := b[MIMEPNG].(string); !has {
		return "", false
	}
	if _, has := b[MIMESVG]; has {
		return "", false
	}
	option, _ := b[MIMEECharts].(map[string]any)
	mime, data, err := func() (mime, data string, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("drawing failed: %v", r)
			}
		}()
		mime, data, _, err = staticFromOption(option)
		return
	}()
	if err != nil {
		return noteSVG(option, err.Error()), true
	}
	if mime != MIMESVG {
		return "", true
	}
	return data, true
}

// picture is pictureOK's drawing ("" without a PNG picture).
func (b Bundle) picture() string {
	svg, _ := b.pictureOK()
	return svg
}

// pictureImage decodes a bundle's PNG picture.
func pictureImage(t *testing.T, b Bundle) image.Image {
	t.Helper()
	s, ok := b[MIMEPNG].(string)
	if !ok {
		t.Fatalf("no PNG picture in %v\n%s", b.MIMETypes(), b.String())
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("the PNG picture is not base64: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the PNG picture does not decode: %v", err)
	}
	return img
}

// checkDrawn checks a chart picture: StaticWidth pixels wide at staticDPI and
// drawn (a white background with many colours on it, not one flat colour).
func checkDrawn(t *testing.T, img image.Image) {
	t.Helper()
	bounds := img.Bounds()
	if want := int(math.Round(float64(StaticWidth) * staticDPI / 72)); bounds.Dx() != want {
		t.Errorf("picture %d px wide, want %d", bounds.Dx(), want)
	}
	colours := map[color.RGBA]int{}
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}]++
		}
	}
	white := colours[color.RGBA{0xff, 0xff, 0xff, 0xff}]
	total := (bounds.Dx() + 1) / 2 * ((bounds.Dy() + 1) / 2)
	if len(colours) < 8 || white < total/3 || white == total {
		t.Errorf("picture has %d colours, %d of %d sampled pixels white: not a drawn chart", len(colours), white, total)
	}
}
