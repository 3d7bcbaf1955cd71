package display

import "testing"

// PictureSVG is, for the external tests, the drawing a chart bundle's PNG
// picture was rasterized from (see pictureOK).
func PictureSVG(b Bundle) (string, bool) { return b.pictureOK() }

// CheckDrawnPNG checks a base64 PNG picture as checkDrawn does.
func CheckDrawnPNG(t *testing.T, b64 string) {
	t.Helper()
	checkDrawn(t, pictureImage(t, Bundle{MIMEPNG: b64}))
}
