package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/internal/publishing"
	"gopad.dev/gopad/kernel/client"
	"gopad.dev/gopad/kernel/protocol"
	"gopad.dev/gopad/ml"
	"gopad.dev/gopad/server/browserproto"
)

// Publishing from a notebook: ml.Publish in a cell and the Publish button of
// a model result both reach publishOnKernelRequest (the kernel's
// publish_request), which publishes into the root's registry with the lineage
// the session knows; the server's endpoints serve the new version at once.

// buttonPublishTimeout bounds a Publish button's wait for its kernel, which
// handles the request after the cell it is running.
const buttonPublishTimeout = 10 * time.Minute

// learnBaseURL remembers the address the latest tab reached the server at,
// for the endpoint URLs that publishing answers with: behind a proxy or on
// 0.0.0.0, that is the address users can call, not the one listened at.
func (s *Server) learnBaseURL(r *http.Request) {
	if s.models == nil || r.Host == "" {
		return
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := scheme + "://" + r.Host
	s.models.baseURL.Store(&u)
}

// setBaseURL records the address the server listens at, until a tab says
// how it reached the server.
func (s *Server) setBaseURL(addr net.Addr) {
	if s.models == nil {
		return
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	u := "http://" + net.JoinHostPort(host, port)
	s.models.baseURL.CompareAndSwap(nil, &u)
}

// publishTarget is the root's registry as served by this server.
func (s *Server) publishTarget() publishing.Target {
	if s.models == nil {
		return publishing.Target{}
	}
	base := "http://" + s.cfg.Addr
	if u := s.models.baseURL.Load(); u != nil {
		base = *u
	}
	return publishing.Target{Registry: s.models.registry, Endpoints: s.models.server.Handler(), BaseURL: base,
		Authorization: "Bearer " + s.models.kernelToken}
}

// publishKernelOptions lets the session's kernel publish, and gives its cells
// a credential that calls the root's endpoints and nothing else
// ($GOPAD_ENDPOINT_TOKEN): not the notebook's token, which the kernels do not
// see (see TestServeTokenFromEnvironment).
func (s *session) publishKernelOptions(opts *client.Options, gen int) {
	opts.OnPublish = func(parentID string, req protocol.PublishRequestContent) protocol.PublishReplyContent {
		return s.publishOnKernelRequest(gen, req)
	}
	if s.srv.models != nil {
		if opts.Env == nil {
			opts.Env = os.Environ()
		}
		opts.Env = append(opts.Env, ml.EndpointTokenEnv+"="+s.srv.models.kernelToken)
	}
}

// kernelEndpointRequest reports whether a request to an endpoint carries the
// credential the kernels were given.
func (s *Server) kernelEndpointRequest(r *http.Request) bool {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	return s.models != nil && strings.EqualFold(scheme, "bearer") &&
		subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.models.kernelToken)) == 1
}

// newKernelToken makes the kernels' endpoint credential, one per server.
func newKernelToken() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("server: make the kernels' endpoint credential: %w", err)
	}
	return "gpe_" + hex.EncodeToString(b[:]), nil
}

// publishOnKernelRequest publishes what the kernel saved, with the notebook,
// the cell (the running one for ml.Publish, the result's for the button) and
// the hash of the notebook's content now.
func (s *session) publishOnKernelRequest(gen int, req protocol.PublishRequestContent) protocol.PublishReplyContent {
	s.mu.Lock()
	if s.closed || gen != s.kernel.gen {
		s.mu.Unlock()
		return protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: "the notebook was closed"}
	}
	cell := req.CellID
	switch {
	case cell != "":
		if s.doc.nb.Cell(cell) == nil {
			s.mu.Unlock()
			return protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: fmt.Sprintf("the notebook has no cell %q any more", cell)}
		}
	case s.run.running != nil:
		cell = s.run.running.CellID
	default:
		cell = s.run.lastRan // a goroutine of an earlier cell
	}
	content, err := cloneForSave(s.doc.nb).Marshal()
	rel := s.rel
	s.mu.Unlock()
	if err != nil {
		return protocol.PublishReplyContent{Status: protocol.ReplyError, EValue: "encode the notebook for its hash: " + err.Error()}
	}
	return publishing.Publish(s.srv.publishTarget(), req, publishing.Origin{Notebook: rel, Cell: cell, Content: content})
}

// publishModel carries out the Publish button: the kernel publishes the model
// it showed under m.Handle, as it is now, through ml.Publish's own path. The
// tab gets a publish_result; on success the cell also gets the endpoint's card.
func (s *session) publishModel(c *wsConn, m *browserproto.ClientMessage) error {
	k, epoch, err := s.publishModelCheck(m)
	if err != nil {
		// Answered as a publish_result too, so that the button says why.
		c.send(browserproto.PublishResultMsg{Type: browserproto.MsgPublishResult, ReqID: m.ReqID, CellID: m.CellID, Handle: m.Handle, Error: err.Error()})
		return nil
	}
	req := *m
	go func() {
		res := browserproto.PublishResultMsg{Type: browserproto.MsgPublishResult, ReqID: req.ReqID, CellID: req.CellID, Handle: req.Handle}
		ctx, cancel := context.WithTimeout(s.ctx, buttonPublishTimeout)
		defer cancel()
		reply, err := k.PublishModel(ctx, req.Handle, req.Name, req.CellID)
		var died *client.DiedError
		switch {
		case errors.As(err, &died) || errors.Is(err, client.ErrShutdown):
			res.Error = "the kernel stopped before it published (" + err.Error() + "): run the model's cell again, then publish"
		case err != nil:
			res.Error = err.Error()
		case reply.Status != protocol.ReplyOK:
			res.Error = reply.EValue
		default:
			p := &ml.Published{Name: reply.Name, Version: reply.Version, Default: reply.Default, DefaultVersion: reply.DefaultVersion,
				Served: reply.Served, URL: reply.URL, Registry: reply.Registry, Example: reply.Example, Note: reply.Note}
			res.OK, res.Name, res.Version, res.URL, res.Curl, res.Note = true, p.Name, p.Version, p.URL, p.Curl(), p.Note
			card, err := protocol.NewMessage(protocol.DisplayData, "", protocol.DisplayDataContent{
				Data: protocol.MIMEBundle(display.PublishedBundle(p)), Metadata: map[string]any{}})
			if err == nil {
				s.mu.Lock()
				if !s.closed && epoch == s.kernel.epoch && s.doc.nb.Cell(req.CellID) != nil {
					s.addOutputLocked(req.CellID, card)
				}
				s.mu.Unlock()
			}
		}
		c.send(res)
	}()
	return nil
}

// publishModelCheck refuses a Publish button request that cannot succeed, and
// returns the kernel to ask.
func (s *session) publishModelCheck(m *browserproto.ClientMessage) (*client.Kernel, int, error) {
	if m.Handle == "" {
		return nil, 0, needs("handle")
	}
	if m.CellID == "" {
		return nil, 0, needs("cell_id")
	}
	if err := ml.CheckModelName(m.Name); err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, 0, errSessionClosed
	}
	if s.doc.nb.Cell(m.CellID) == nil {
		return nil, 0, fmt.Errorf("no cell with id %q", describe(m.CellID))
	}
	k := s.kernel.handle
	if k == nil || s.kernel.state == browserproto.KernelDead || s.kernel.state == browserproto.KernelNone {
		return nil, 0, errors.New("the kernel is not running, so the model that output showed is gone: run its cell again, then publish")
	}
	return k, s.kernel.epoch, nil
}
