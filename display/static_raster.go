package display

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	xfont "golang.org/x/image/font"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// Why gopad rasterizes its own pictures: Debian's jupyter nbconvert 6.5.3
// passes image/svg+xml outputs through lxml's clean_html, which keeps only the
// <svg> element and its text, so every SVG picture was blank in its HTML; and
// it prefers SVG to PNG when a bundle holds both. A chart's bundle therefore
// carries a PNG only. The hand-drawn pictures (pie, gauge, radar, funnel,
// notes, mixed charts) are SVG of a small fixed vocabulary written by this
// package; rasterSVG draws exactly that vocabulary on gonum/plot's raster
// canvas (already a dependency, with its Liberation fonts), rather than
// pulling in a general SVG rasterizer (srwiley/oksvg, for one, draws no text,
// and every picture's title and labels are text). An element or attribute
// outside the vocabulary is an error, not a silently different picture.

// rasterSVG draws an SVG written by this package as a PNG at staticDPI.
func rasterSVG(svg string) ([]byte, error) {
	dec := xml.NewDecoder(strings.NewReader(svg))
	var r *svgRaster
	type frame struct {
		st svgStyle
		dy float64 // offset of a nested <svg>
	}
	var stack []frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read the picture's SVG: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range t.Attr {
				attr[a.Name.Local] = a.Value
			}
			parent := frame{st: svgStyle{fill: color.Black, fontSize: 11, strokeWidth: 1}}
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			st := parent.st.with(attr)
			dy := parent.dy
			name := t.Name.Local
			if name == "svg" {
				if r == nil {
					w, errW := svgNumber(attr, "width")
					h, errH := svgNumber(attr, "height")
					if errW != nil || errH != nil || w <= 0 || h <= 0 {
						return nil, fmt.Errorf("the picture's <svg> has no positive width and height")
					}
					r = newSVGRaster(w, h)
				} else {
					y, _ := svgNumber(attr, "y")
					dy += y
				}
			} else if r == nil {
				return nil, fmt.Errorf("the picture does not start with <svg> but <%s>", name)
			} else if name == "text" {
				// Its text follows as character data.
				var s strings.Builder
				for {
					tok, err := dec.Token()
					if err != nil {
						return nil, fmt.Errorf("read a <text> of the picture: %w", err)
					}
					if cd, ok := tok.(xml.CharData); ok {
						s.Write(cd)
						continue
					}
					if _, ok := tok.(xml.EndElement); ok {
						break
					}
					return nil, fmt.Errorf("a <text> of the picture holds markup")
				}
				if err := r.text(attr, st, dy, s.String()); err != nil {
					return nil, err
				}
				continue
			} else if name == "title" {
				if err := dec.Skip(); err != nil { // a tooltip: nothing to draw
					return nil, fmt.Errorf("read a <title> of the picture: %w", err)
				}
				continue
			} else if err := r.shape(name, attr, st, dy); err != nil {
				return nil, err
			}
			stack = append(stack, frame{st: st, dy: dy})
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
	if r == nil {
		return nil, fmt.Errorf("the picture holds no <svg>")
	}
	var buf bytes.Buffer
	if err := encodePNG(&buf, r.c.Image()); err != nil {
		return nil, fmt.Errorf("encode the picture as PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// svgStyle is the inherited presentation of an element.
type svgStyle struct {
	fill, stroke color.Color // nil: none
	fillOpacity  float64     // 0 means 1
	strokeWidth  float64
	fontSize     float64
	bold         bool
}

func (s svgStyle) with(attr map[string]string) svgStyle {
	if v, ok := attr["fill"]; ok {
		s.fill = svgColor(v)
	}
	if v, ok := attr["stroke"]; ok {
		s.stroke = svgColor(v)
	}
	if v, ok := attr["fill-opacity"]; ok {
		s.fillOpacity, _ = strconv.ParseFloat(v, 64)
	}
	if v, err := svgNumber(attr, "stroke-width"); err == nil {
		s.strokeWidth = v
	}
	if v, err := svgNumber(attr, "font-size"); err == nil {
		s.fontSize = v
	}
	if v, ok := attr["font-weight"]; ok {
		s.bold = v == "bold"
	}
	return s
}

// svgColor reads the colours this package writes: none, #rgb, #rrggbb (a
// colour outside them is drawn magenta, visibly wrong, and fails the tests).
func svgColor(v string) color.Color {
	if v == "none" || v == "" {
		return nil
	}
	if len(v) == 4 && v[0] == '#' {
		v = string([]byte{'#', v[1], v[1], v[2], v[2], v[3], v[3]})
	}
	if c, ok := parseColor(v); ok {
		return c
	}
	return color.RGBA{0xff, 0, 0xff, 0xff}
}

func svgNumber(attr map[string]string, key string) (float64, error) {
	v, ok := attr[key]
	if !ok {
		return 0, fmt.Errorf("no %s", key)
	}
	v = strings.TrimSuffix(strings.TrimSuffix(v, "px"), "pt")
	return strconv.ParseFloat(v, 64)
}

// svgRaster draws on a raster canvas in the SVG's pixel coordinates (y down).
type svgRaster struct {
	c    *vgimg.Canvas
	h    float64 // picture height, pixels
	sans map[[2]float64]font.Face
}

// pt is the length of px pixels at staticDPI.
func pt(px float64) vg.Length { return vg.Length(px * 72 / staticDPI) }

func newSVGRaster(w, h float64) *svgRaster {
	c := vgimg.NewWith(vgimg.UseWH(pt(w), pt(h)), vgimg.UseDPI(staticDPI))
	return &svgRaster{c: c, h: h, sans: map[[2]float64]font.Face{}}
}

func (r *svgRaster) at(x, y float64) vg.Point { return vg.Point{X: pt(x), Y: pt(r.h - y)} }

// paint fills and strokes p as st says.
func (r *svgRaster) paint(p vg.Path, st svgStyle, closed bool) {
	if st.fill != nil && closed {
		c := st.fill
		if st.fillOpacity > 0 && st.fillOpacity < 1 {
			cr, cg, cb, _ := c.RGBA()
			a := st.fillOpacity
			c = color.NRGBA{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), uint8(math.Round(a * 255))}
		}
		r.c.SetColor(c)
		r.c.Fill(p)
	}
	if st.stroke != nil && st.strokeWidth > 0 {
		r.c.SetColor(st.stroke)
		r.c.SetLineWidth(pt(st.strokeWidth))
		r.c.Stroke(p)
	}
}

// shape draws one non-text element.
func (r *svgRaster) shape(name string, attr map[string]string, st svgStyle, dy float64) error {
	num := func(k string) float64 { v, _ := svgNumber(attr, k); return v }
	switch name {
	case "g":
		return nil
	case "rect":
		x, y, w, h := num("x"), num("y")+dy, num("width"), num("height")
		if attr["width"] == "100%" {
			cw, ch := r.c.Size()
			x, y, w, h = 0, dy, float64(cw)*staticDPI/72, float64(ch)*staticDPI/72
		}
		var p vg.Path
		p.Move(r.at(x, y))
		p.Line(r.at(x+w, y))
		p.Line(r.at(x+w, y+h))
		p.Line(r.at(x, y+h))
		p.Close()
		r.paint(p, st, true)
	case "circle":
		var p vg.Path
		cx, cy, rad := num("cx"), num("cy")+dy, num("r")
		p.Move(r.at(cx+rad, cy))
		p.Arc(r.at(cx, cy), pt(rad), 0, 2*math.Pi)
		p.Close()
		r.paint(p, st, true)
	case "line":
		var p vg.Path
		p.Move(r.at(num("x1"), num("y1")+dy))
		p.Line(r.at(num("x2"), num("y2")+dy))
		st.fill = nil
		r.paint(p, st, false)
	case "polygon", "polyline":
		f := strings.FieldsFunc(attr["points"], func(c rune) bool { return c == ' ' || c == ',' })
		if len(f)%2 != 0 || len(f) < 4 {
			return fmt.Errorf("a <%s> of the picture has points %q", name, attr["points"])
		}
		var p vg.Path
		for i := 0; i < len(f); i += 2 {
			x, err1 := strconv.ParseFloat(f[i], 64)
			y, err2 := strconv.ParseFloat(f[i+1], 64)
			if err1 != nil || err2 != nil {
				return fmt.Errorf("a <%s> of the picture has points %q", name, attr["points"])
			}
			if i == 0 {
				p.Move(r.at(x, y+dy))
			} else {
				p.Line(r.at(x, y+dy))
			}
		}
		if name == "polygon" {
			p.Close()
		}
		r.paint(p, st, name == "polygon")
	case "path":
		p, closed, err := r.pathData(attr["d"], dy)
		if err != nil {
			return err
		}
		r.paint(p, st, closed)
	case "image":
		href := attr["href"]
		const prefix = "data:image/png;base64,"
		if !strings.HasPrefix(href, prefix) {
			return fmt.Errorf("an <image> of the picture is not an embedded PNG")
		}
		raw, err := base64.StdEncoding.DecodeString(href[len(prefix):])
		if err != nil {
			return fmt.Errorf("an <image> of the picture: %w", err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("an <image> of the picture: %w", err)
		}
		x, y, w, h := num("x"), num("y")+dy, num("width"), num("height")
		r.c.DrawImage(vg.Rectangle{Min: r.at(x, y+h), Max: r.at(x+w, y)}, img)
	default:
		return fmt.Errorf("the picture's <%s> is not drawn by the rasterizer", name)
	}
	return nil
}

// pathData reads path data of the commands this package writes: absolute M,
// L, A (circular arcs) and Z.
func (r *svgRaster) pathData(d string, dy float64) (p vg.Path, closed bool, err error) {
	fields := strings.Fields(strings.NewReplacer("M", " M ", "L", " L ", "A", " A ", "Z", " Z ", ",", " ").Replace(d))
	bad := func() (vg.Path, bool, error) {
		return nil, false, fmt.Errorf("the picture has path data %q outside M, L, A, Z", d)
	}
	var nums []float64
	i := 0
	next := func(n int) bool {
		nums = nums[:0]
		for k := 0; k < n; k++ {
			if i >= len(fields) {
				return false
			}
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return false
			}
			nums = append(nums, v)
			i++
		}
		return true
	}
	var cx, cy float64 // current point, SVG pixels
	for i < len(fields) {
		cmd := fields[i]
		i++
		switch cmd {
		case "M", "L":
			if !next(2) {
				return bad()
			}
			cx, cy = nums[0], nums[1]+dy
			if cmd == "M" {
				p.Move(r.at(cx, cy))
			} else {
				p.Line(r.at(cx, cy))
			}
		case "A":
			if !next(7) {
				return bad()
			}
			rad, large, sweep := nums[0], nums[3] != 0, nums[4] != 0
			x, y := nums[5], nums[6]+dy
			if math.Abs(nums[0]-nums[1]) > 1e-6 {
				return nil, false, fmt.Errorf("the picture has an elliptic arc in %q", d)
			}
			arcTo(&p, r, cx, cy, x, y, rad, large, sweep)
			cx, cy = x, y
		case "Z":
			p.Close()
			closed = true
		default:
			return bad()
		}
	}
	return p, closed, nil
}

// arcTo adds SVG's circular arc from (x0,y0) to (x1,y1) (pixels, y down).
func arcTo(p *vg.Path, r *svgRaster, x0, y0, x1, y1, rad float64, large, sweep bool) {
	dx, dy := (x1-x0)/2, (y1-y0)/2
	d := math.Hypot(dx, dy)
	if d == 0 || rad == 0 {
		return
	}
	rad = max(rad, d) // SVG scales a radius too small up to fit
	h := math.Sqrt(max(rad*rad-d*d, 0))
	// The centre is on the perpendicular bisector; which side depends on the flags.
	ux, uy := -dy/d, dx/d
	if large == sweep {
		ux, uy = -ux, -uy
	}
	mx, my := x0+dx+h*ux, y0+dy+h*uy
	a0 := math.Atan2(y0-my, x0-mx)
	a1 := math.Atan2(y1-my, x1-mx)
	delta := a1 - a0
	// sweep=1 runs clockwise on screen, i.e. with increasing angle in y-down
	// coordinates.
	if sweep && delta < 0 {
		delta += 2 * math.Pi
	}
	if !sweep && delta > 0 {
		delta -= 2 * math.Pi
	}
	// In vg's y-up coordinates angles change sign.
	p.Arc(r.at(mx, my), pt(rad), -a0, -delta)
}

// text draws one <text> element.
func (r *svgRaster) text(attr map[string]string, st svgStyle, dy float64, s string) error {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	x, err1 := svgNumber(attr, "x")
	y, err2 := svgNumber(attr, "y")
	if err1 != nil || err2 != nil {
		return fmt.Errorf("a <text> of the picture has no x or y: %q", s)
	}
	y += dy
	key := [2]float64{st.fontSize, 0}
	if st.bold {
		key[1] = 1
	}
	face, ok := r.sans[key]
	if !ok {
		f := font.Font{Typeface: "Liberation", Variant: "Sans", Size: pt(st.fontSize)}
		if st.bold {
			f.Weight = xfont.WeightBold
		}
		face = font.DefaultCache.Lookup(f, f.Size)
		r.sans[key] = face
	}
	w := float64(face.Width(s)) * staticDPI / 72
	switch attr["text-anchor"] {
	case "middle":
		x -= w / 2
	case "end":
		x -= w
	}
	if attr["dominant-baseline"] == "middle" {
		y += 0.35 * st.fontSize
	}
	fill := st.fill
	if fill == nil {
		return nil
	}
	r.c.SetColor(fill)
	r.c.FillString(face, r.at(x, y), s)
	return nil
}

// pngOf rasterizes a picture of this package for a bundle (base64 PNG).
func pngOf(svg string) (string, error) {
	raw, err := rasterSVG(svg)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(raw), nil
}

// encodePNG writes a picture as PNG with a palette: a chart has a few flat
// colours and their anti-aliased edges, so the 255 most frequent colours are
// kept exactly and a rarer edge pixel takes the nearest of them. One byte a
// pixel instead of three makes the PNG about a third of the size.
func encodePNG(w io.Writer, picture image.Image) error {
	// Opaque RGBA pixels, read directly (image.At through an interface took
	// most of the time).
	img, ok := picture.(*image.RGBA)
	if !ok {
		img = image.NewRGBA(picture.Bounds())
		draw.Draw(img, img.Bounds(), picture, picture.Bounds().Min, draw.Src)
	}
	b := img.Bounds()
	counts := map[color.RGBA]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[rgbaAt(img, x, y)]++
		}
	}
	colours := make([]color.RGBA, 0, len(counts))
	for c := range counts {
		colours = append(colours, c)
	}
	sort.Slice(colours, func(i, j int) bool {
		if counts[colours[i]] != counts[colours[j]] {
			return counts[colours[i]] > counts[colours[j]]
		}
		ci, cj := colours[i], colours[j]
		return uint32(ci.R)<<16|uint32(ci.G)<<8|uint32(ci.B) < uint32(cj.R)<<16|uint32(cj.G)<<8|uint32(cj.B)
	})
	if len(colours) > 256 {
		colours = colours[:256]
	}
	pal := make(color.Palette, len(colours))
	index := make(map[color.RGBA]uint8, len(counts))
	for i, c := range colours {
		pal[i] = c
		index[c] = uint8(i)
	}
	out := image.NewPaletted(image.Rect(0, 0, b.Dx(), b.Dy()), pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := rgbaAt(img, x, y)
			i, ok := index[c]
			if !ok {
				i = uint8(pal.Index(c))
				index[c] = i
			}
			out.Pix[(y-b.Min.Y)*out.Stride+(x-b.Min.X)] = i
		}
	}
	return png.Encode(w, out)
}

// rgbaAt is an opaque picture's pixel (charts are drawn on white).
func rgbaAt(img *image.RGBA, x, y int) color.RGBA {
	p := img.Pix[img.PixOffset(x, y):]
	return color.RGBA{p[0], p[1], p[2], 0xff}
}

// palettedPNG is a raster canvas written by encodePNG.
type palettedPNG struct{ *vgimg.Canvas }

func (c palettedPNG) WriteTo(w io.Writer) (int64, error) {
	var buf bytes.Buffer
	if err := encodePNG(&buf, c.Image()); err != nil {
		return 0, err
	}
	return buf.WriteTo(w)
}
