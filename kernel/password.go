package kernel

import (
	"io"
	"os"
	"reflect"

	"golang.org/x/term"
)

// Hidden input. Go programs ask for a password with golang.org/x/term's
// ReadPassword(int(os.Stdin.Fd())), which turns a terminal's echo off. A
// cell's standard input is the kernel's pipe, not a terminal, so the real
// function fails there ("inappropriate ioctl for device"). In cells,
// ReadPassword of fd 0 reads a line from that pipe instead, and the
// input_request the kernel sends for it says password true, so that the
// front end hides what is typed (as ipykernel does for Python's getpass).

// passwordExports replaces ReadPassword in the x/term symbols of cells.
func (k *kernel) passwordExports() map[string]map[string]reflect.Value {
	return map[string]map[string]reflect.Value{
		"golang.org/x/term/term": {"ReadPassword": reflect.ValueOf(k.readPassword)},
	}
}

// readPassword is term.ReadPassword for cells: a line of standard input,
// without its line end, asked for as a password.
func (k *kernel) readPassword(fd int) ([]byte, error) {
	if fd != 0 || k.stdin == nil {
		return term.ReadPassword(fd)
	}
	k.stdin.password.Store(true)
	defer k.stdin.password.Store(false)
	return readPasswordLine(os.Stdin)
}

// readPasswordLine reads up to a newline a byte at a time, so that nothing
// after the line is taken from the pipe, with term.ReadPassword's rules:
// backspace removes the byte before it, '\r' is dropped, and end of file
// ends the line (io.EOF only when nothing was read).
func readPasswordLine(r io.Reader) ([]byte, error) {
	var b [1]byte
	var line []byte
	for {
		n, err := r.Read(b[:])
		if n > 0 {
			switch b[0] {
			case '\b':
				if len(line) > 0 {
					line = line[:len(line)-1]
				}
			case '\n':
				return line, nil
			case '\r':
			default:
				line = append(line, b[0])
			}
			continue
		}
		if err != nil {
			if err == io.EOF && len(line) > 0 {
				return line, nil
			}
			return line, err
		}
	}
}
