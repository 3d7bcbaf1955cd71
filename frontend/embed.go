// Package frontend holds the browser app's built assets (frontend/dist), embedded so
// that gopad serves them without npm or a network. Rebuild with frontend/build.sh.
package frontend

import "embed"

// Dist is the built browser app: dist/index.html, dist/app.js, dist/app.css and
// dist/echarts.min.js.
//
//go:embed dist
var Dist embed.FS
