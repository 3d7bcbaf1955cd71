// Builds dist/ from src/: one bundled app.js and app.css, index.html, the output frame
// (output.html + frame.js, where notebook HTML and charts are drawn in a sandbox), and
// gopad's own copy of echarts.min.js (served locally; pages never load anything from
// the network).
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";

const dist = new URL("./dist/", import.meta.url).pathname;
mkdirSync(dist, { recursive: true });

await esbuild.build({
  entryPoints: { app: "src/main.ts", frame: "src/frame.ts" },
  bundle: true,
  minify: true,
  sourcemap: false,
  format: "iife",
  target: ["es2020", "chrome100", "firefox100", "safari15"],
  outdir: dist,
  legalComments: "eof",
  logLevel: "info",
});

copyFileSync("node_modules/echarts/dist/echarts.min.js", dist + "echarts.min.js");
const echartsVersion = JSON.parse(readFileSync("node_modules/echarts/package.json", "utf8")).version;

writeFileSync(
  dist + "index.html",
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="gopad-echarts" content="${echartsVersion}">
<title>gopad</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<div id="app"></div>
<script src="/static/app.js"></script>
</body>
</html>
`,
);

// The output frame's document. The server serves it as /static/output.html and
// /static/output-scripted.html with different Content-Security-Policies (server/http.go).
writeFileSync(
  dist + "output.html",
  `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<base target="_blank">
<style>
html,body{margin:0;padding:0;background:transparent}
body{display:flow-root}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;font-size:14px;line-height:1.4;color:#1f2328}
body.chart,body.chart>div.chart{height:100vh;overflow:hidden}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:2px 6px}
</style>
</head>
<body>
<script src="/static/frame.js"></script>
</body>
</html>
`,
);
