package serving

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"syscall"
)

// releaseStartupMemory gives back what start-up used and serving does not:
// the heap's start-up garbage (debug.FreeOSMemory), and the pages of the
// executable that were read while starting (every package's init of a binary
// that also holds the notebook, and the model loading) — gopad's executable
// is tens of megabytes and serve-model's hot path uses a few of them.
//
// The executable's pages are read-only file mappings: MADV_DONTNEED unmaps
// them from the process, the kernel keeps them in its page cache, and a page
// used again is mapped again (a minor fault, no disk read). What stays in
// the process's resident set (VmRSS) is then what serving touches. Writable
// mappings are left alone: dropping those would lose their contents. What
// VmRSS counts is then anonymous memory (heap, stacks) plus the executable's
// pages serving touched since; /proc/PID/smaps_rollup splits the two.
const posixFadvDontneed = 4 // POSIX_FADV_DONTNEED on Linux

func releaseStartupMemory(dropFileCache bool) (released int64, err error) {
	debug.FreeOSMemory()
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, fmt.Errorf("find the executable: %w", err)
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return 0, fmt.Errorf("read the memory map: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		// address perms offset dev inode path
		f := bytes.Fields(sc.Bytes())
		if len(f) < 6 || string(f[5]) != exe {
			continue
		}
		perms := f[1]
		if len(perms) < 4 || perms[0] != 'r' || perms[1] != '-' || perms[3] != 'p' {
			continue
		}
		lo, hi, ok := bytes.Cut(f[0], []byte("-"))
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(string(lo), 16, 64)
		end, err2 := strconv.ParseUint(string(hi), 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		// Random access: a page faulted back is read alone, not with a
		// readahead window (or a large folio) of pages serving never uses.
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_RANDOM); errno != 0 {
			return released, fmt.Errorf("madvise %s: %w", f[0], errno)
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_DONTNEED); errno != 0 {
			return released, fmt.Errorf("madvise %s: %w", f[0], errno)
		}
		released += int64(end - start)
	}
	if err := sc.Err(); err != nil {
		return released, err
	}
	// The page cache holds the executable in large folios (ext4 and others
	// since Linux 6.x), and a fault maps a whole folio: one byte read maps up
	// to megabytes. Dropping the executable's cached pages that no process
	// maps makes the pages faulted back single ones. Pages other processes
	// map stay; the file is read again from disk as needed, which slows the
	// next start of the same binary (hence optional).
	if !dropFileCache || strconv.IntSize != 64 {
		return released, nil // fadvise64 splits its offsets on 32-bit systems
	}
	f, err := os.Open(exe)
	if err != nil {
		return released, fmt.Errorf("open the executable: %w", err)
	}
	defer f.Close()
	if _, _, errno := syscall.Syscall6(syscall.SYS_FADVISE64, f.Fd(), 0, 0, posixFadvDontneed, 0, 0); errno != 0 {
		return released, fmt.Errorf("fadvise %s: %w", exe, errno)
	}
	return released, nil
}
