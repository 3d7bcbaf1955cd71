// Package jupyter lets a gopad kernel speak Jupyter's wire protocol (messaging
// protocol 5.3 over ZeroMQ), so that JupyterLab, Notebook, VS Code, nbconvert,
// nbclient and papermill can run gopad's Go cells.
//
// It is a transport, not a second kernel: Open returns a Transport that
// package kernel serves exactly as it serves gopad's own pipe
// (kernel.Serve(t, t)). The transport turns Jupyter's signed multipart
// messages into protocol.Messages and back, routes replies to the socket and
// peer that asked, publishes outputs on IOPub with the request's header as
// their parent, and answers by itself only what is about the connection
// rather than the code (is_complete, comm_info, history, heartbeat).
//
// Install writes the kernelspec that lets Jupyter start gopad
// (`gopad jupyter install`).
package jupyter

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ConnectionInfo is the content of a Jupyter connection file: where the five
// sockets listen and the key that signs messages.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	SignatureScheme string `json:"signature_scheme"`
	Key             string `json:"key"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and checks a connection file.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return ConnectionInfo{}, fmt.Errorf("read the connection file: %w", err)
	}
	var c ConnectionInfo
	if err := json.Unmarshal(b, &c); err != nil {
		return ConnectionInfo{}, fmt.Errorf("connection file %s is not valid JSON: %w", path, err)
	}
	if err := c.check(); err != nil {
		return ConnectionInfo{}, fmt.Errorf("connection file %s: %w", path, err)
	}
	return c, nil
}

func (c *ConnectionInfo) check() error {
	if c.Transport == "" {
		c.Transport = "tcp"
	}
	if c.Transport != "tcp" && c.Transport != "ipc" {
		return fmt.Errorf("transport %q is not supported (tcp or ipc)", c.Transport)
	}
	if c.IP == "" {
		return errors.New(`"ip" is missing`)
	}
	for _, p := range []struct {
		name string
		port int
	}{{"shell_port", c.ShellPort}, {"iopub_port", c.IOPubPort}, {"stdin_port", c.StdinPort}, {"control_port", c.ControlPort}, {"hb_port", c.HBPort}} {
		if p.port <= 0 || p.port > 65535 {
			return fmt.Errorf("%s is %d, not a port number (1-65535)", p.name, p.port)
		}
	}
	switch {
	case c.Key == "":
		// Jupyter's convention: an empty key means messages are not signed.
	case c.SignatureScheme != "hmac-sha256":
		return fmt.Errorf("signature_scheme %q is not supported (hmac-sha256)", c.SignatureScheme)
	}
	return nil
}

// endpoint is the ZeroMQ address the socket on port listens on, through the
// buffered transports of framedconn.go.
func (c ConnectionInfo) endpoint(port int) string {
	if c.Transport == "ipc" {
		return fmt.Sprintf("%s://%s-%d", bufferedIPC, c.IP, port)
	}
	ip := c.IP
	if strings.Contains(ip, ":") && !strings.HasPrefix(ip, "[") {
		ip = "[" + ip + "]"
	}
	return fmt.Sprintf("%s://%s:%d", bufferedTCP, ip, port)
}
