package display_test

import (
	"testing"

	"gopad.dev/gopad/display"
	"gopad.dev/gopad/kernel/protocol"
)

// TestMIMETypesMatchTheKernelProtocol checks that the MIME types display writes
// are the ones the kernel protocol names for its readers (the server, the HTML
// export, the browser): display defines its own, so as not to depend on the
// protocol.
func TestMIMETypesMatchTheKernelProtocol(t *testing.T) {
	for _, tc := range []struct{ display, protocol string }{
		{display.MIMEECharts, protocol.MIMEECharts},
		{display.MIMETable, protocol.MIMETable},
	} {
		if tc.display != tc.protocol {
			t.Errorf("display writes %q where the protocol names %q", tc.display, tc.protocol)
		}
	}
}
