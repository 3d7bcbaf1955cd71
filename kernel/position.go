package kernel

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"gopad.dev/gopad/kernel/engine"
	"gopad.dev/gopad/kernel/protocol"
)

// positionFD is the position file the parent passes (see protocol.PositionSize).
const positionFD = 5

// positionSlot keeps the running cell's position in the position file, mapped
// into memory so that each update is three stores and what was stored last
// survives the process: the parent reads it after a death that left no word.
type positionSlot struct {
	words *[3]atomic.Int64 // cell, line, goroutine
}

// openPositionSlot maps the position file. It returns nil, nil when the parent
// passed none (file descriptor 5 is then not a regular file of the right size:
// the Go runtime may use it for itself).
func openPositionSlot() (*positionSlot, error) {
	var st unix.Stat_t
	if err := unix.Fstat(positionFD, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size != protocol.PositionSize {
		return nil, nil
	}
	mem, err := unix.Mmap(positionFD, 0, protocol.PositionSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map the position file: %w", err)
	}
	// The mapping outlives the descriptor; a cell's child processes need neither.
	_ = unix.Close(positionFD)
	// mmap returns page-aligned memory, so the int64s are aligned for atomics.
	return &positionSlot{words: (*[3]atomic.Int64)(unsafe.Pointer(&mem[0]))}, nil
}

// set records where the running cell is; the zero Position means no cell runs.
// A nil slot does nothing.
func (s *positionSlot) set(p engine.Position) {
	if s == nil {
		return
	}
	s.words[0].Store(int64(p.Cell))
	s.words[1].Store(int64(p.Line))
	s.words[2].Store(p.Goroutine)
}
