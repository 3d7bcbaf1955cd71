package kernel

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// scanAll feeds input to a scanner in the given chunk sizes and returns the text
// and the markers seen, with "|N|" in the text where marker N was.
func scanAll(prefix string, chunks []string) string {
	s := markerScanner{prefix: []byte(prefix)}
	var b strings.Builder
	for _, c := range chunks {
		for _, ev := range s.feed([]byte(c)) {
			if ev.isMarker {
				b.WriteString("|")
				b.WriteString(strings.Repeat("m", int(ev.marker)))
				b.WriteString("|")
				continue
			}
			if !utf8.Valid(ev.text) {
				b.WriteString("<INVALID UTF-8>")
			}
			b.Write(ev.text)
		}
	}
	return b.String()
}

func TestMarkerScannerFindsMarkersAcrossChunkBoundaries(t *testing.T) {
	const prefix = "\x00sync-ab:"
	input := "hello é wörld\n" + prefix + "2\x00" + "after\x00not a marker\n" + prefix + "x\x00tail" + prefix + "1\x00"
	want := "hello é wörld\n|mm|after\x00not a marker\n" + prefix + "x\x00tail|m|"
	// Every way of cutting the input in two, and byte by byte.
	for cut := 0; cut <= len(input); cut++ {
		if got := scanAll(prefix, []string{input[:cut], input[cut:]}); got != want {
			t.Fatalf("cut at %d: got %q, want %q", cut, got, want)
		}
	}
	var bytesOneByOne []string
	for i := range len(input) {
		bytesOneByOne = append(bytesOneByOne, input[i:i+1])
	}
	if got := scanAll(prefix, bytesOneByOne); got != want {
		t.Fatalf("byte by byte: got %q, want %q", got, want)
	}
}

func TestMarkerScannerHoldsOnlyWhatItMust(t *testing.T) {
	s := markerScanner{prefix: []byte("\x00sync:")}
	evs := s.feed([]byte("plain text"))
	if len(evs) != 1 || string(evs[0].text) != "plain text" || len(s.held) != 0 {
		t.Errorf("plain text: events %+v, held %q", evs, s.held)
	}
	evs = s.feed([]byte("abc\x00sy"))
	if len(evs) != 1 || string(evs[0].text) != "abc" || string(s.held) != "\x00sy" {
		t.Errorf("partial prefix: events %+v, held %q", evs, s.held)
	}
	s.held = nil
	evs = s.feed([]byte("caf\xc3"))
	if len(evs) != 1 || string(evs[0].text) != "caf" || string(s.held) != "\xc3" {
		t.Errorf("split rune: events %+v, held %q", evs, s.held)
	}
}

func TestByteSize(t *testing.T) {
	for n, want := range map[int]string{1 << 20: "1 MiB", 3 << 10: "3 KiB", 1000: "1000 bytes"} {
		if got := byteSize(n); got != want {
			t.Errorf("byteSize(%d) = %q, want %q", n, got, want)
		}
	}
}
