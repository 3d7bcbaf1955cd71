// Builds dist/ from src/: one bundled app.js and app.css, index.html, and gopad's own
// copy of echarts.min.js (served locally; pages never load anything from the network).
import * as esbuild from "esbuild";
import { copyFileSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";

const dist = new URL("./dist/", import.meta.url).pathname;
mkdirSync(dist, { recursive: true });

await esbuild.build({
  entryPoints: { app: "src/main.ts" },
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
