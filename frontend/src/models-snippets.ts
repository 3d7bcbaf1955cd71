// Code snippets of the endpoint page: the request the try-it form sends, as
// curl, Python requests, Python tritonclient.http and Go net/http. Each works
// as pasted with the API key in the environment variable GOPAD_API_KEY (the
// e2e test runs the curl, requests and Go ones against a real server).

import type { Schema, TensorMeta } from "./models-api";

/** InferInputTensor is one input of an OIP request as the try-it form builds it. */
export interface InferInputTensor {
  name: string;
  shape: number[];
  datatype: string;
  data: (number | string)[];
}

export interface InferRequest {
  inputs: InferInputTensor[];
  parameters?: Record<string, unknown>;
}

export interface Snippet {
  id: string;
  label: string;
  lang: string;
  code: string;
}

/** shellQuote quotes s for a POSIX shell (single quotes). */
function shellQuote(s: string): string {
  return "'" + s.replace(/'/g, `'\\''`) + "'";
}

/** pyLiteral writes a JSON value as a Python literal. JSON's string escapes
 * are Python's too. */
function pyLiteral(v: unknown, indent = ""): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isFinite(v) ? JSON.stringify(v) : "float('nan')";
  if (typeof v === "string") return JSON.stringify(v);
  const inner = indent + "    ";
  if (Array.isArray(v)) {
    // Lists of scalars stay on one line.
    if (v.every((x) => typeof x !== "object" || x === null)) return "[" + v.map((x) => pyLiteral(x)).join(", ") + "]";
    return "[\n" + v.map((x) => inner + pyLiteral(x, inner)).join(",\n") + ",\n" + indent + "]";
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  return "{\n" + entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${pyLiteral(x, inner)}`).join(",\n") + ",\n" + indent + "}";
}

/** goString writes s as a Go string literal: raw when it can be. */
function goString(s: string): string {
  if (!s.includes("`") && !s.includes("\r")) return "`" + s + "`";
  return JSON.stringify(s); // JSON's escapes are Go's
}

function pyDtype(datatype: string): string {
  switch (datatype) {
    case "FP32":
      return "np.float32";
    case "INT64":
      return "np.int64";
    case "BYTES":
      return "np.object_";
    default:
      return "np.float32";
  }
}

/** snippets returns the four snippets for a request to model at base
 * (e.g. http://127.0.0.1:8888). */
export function snippets(base: string, model: string, version: number | null, schema: Schema | null, req: InferRequest): Snippet[] {
  const path = version ? `/v2/models/${model}/versions/${version}/infer` : `/v2/models/${model}/infer`;
  const url = base + path;
  const body = JSON.stringify(req);
  const curl =
    `curl -sS -X POST ${shellQuote(url)} \\\n` +
    `  -H "Authorization: Bearer $GOPAD_API_KEY" \\\n` +
    `  -H "Content-Type: application/json" \\\n` +
    `  -d ${shellQuote(body)}`;

  const python =
    `import os\n\nimport requests\n\n` +
    `resp = requests.post(\n` +
    `    ${JSON.stringify(url)},\n` +
    `    headers={"Authorization": "Bearer " + os.environ["GOPAD_API_KEY"]},\n` +
    `    json=${pyLiteral(req, "    ")},\n` +
    `    timeout=30,\n` +
    `)\n` +
    `resp.raise_for_status()\n` +
    `print(resp.json())\n`;

  const go =
    `package main\n\n` +
    `import (\n\t"fmt"\n\t"io"\n\t"net/http"\n\t"os"\n\t"strings"\n)\n\n` +
    `func main() {\n` +
    `\tbody := ${goString(body)}\n` +
    `\treq, err := http.NewRequest("POST", ${JSON.stringify(url)}, strings.NewReader(body))\n` +
    `\tif err != nil {\n\t\tpanic(err)\n\t}\n` +
    `\treq.Header.Set("Content-Type", "application/json")\n` +
    `\treq.Header.Set("Authorization", "Bearer "+os.Getenv("GOPAD_API_KEY"))\n` +
    `\tresp, err := http.DefaultClient.Do(req)\n` +
    `\tif err != nil {\n\t\tpanic(err)\n\t}\n` +
    `\tdefer resp.Body.Close()\n` +
    `\tout, err := io.ReadAll(resp.Body)\n` +
    `\tif err != nil {\n\t\tpanic(err)\n\t}\n` +
    `\tif resp.StatusCode != http.StatusOK {\n\t\tfmt.Fprintf(os.Stderr, "%s: %s\\n", resp.Status, out)\n\t\tos.Exit(1)\n\t}\n` +
    `\tfmt.Println(string(out))\n` +
    `}\n`;

  return [
    { id: "curl", label: "curl", lang: "shell", code: curl },
    { id: "python", label: "Python requests", lang: "python", code: python },
    { id: "triton", label: "Python tritonclient", lang: "python", code: tritonSnippet(base, model, version, schema, req) },
    { id: "go", label: "Go net/http", lang: "go", code: go },
  ];
}

/** tritonSnippet uses NVIDIA's tritonclient.http (pip install "tritonclient[http]").
 * FP32 tensors travel in Triton's binary tensor extension, strings as JSON
 * (gopad takes and gives BYTES as JSON only). */
function tritonSnippet(base: string, model: string, version: number | null, schema: Schema | null, req: InferRequest): string {
  const u = new URL(base);
  const ssl = u.protocol === "https:";
  const hostPort = u.host || (ssl ? `${u.hostname}:443` : `${u.hostname}:80`);
  const lines: string[] = [
    "import os",
    "",
    "import numpy as np",
    "import tritonclient.http as httpclient",
    "",
    `client = httpclient.InferenceServerClient(url=${JSON.stringify(hostPort)}${ssl ? ", ssl=True" : ""})`,
    `headers = {"Authorization": "Bearer " + os.environ["GOPAD_API_KEY"]}`,
    "",
    "inputs = []",
  ];
  req.inputs.forEach((t, i) => {
    const v = `x${i}`;
    const binary = t.datatype === "FP32";
    lines.push(
      `${v} = httpclient.InferInput(${JSON.stringify(t.name)}, ${pyLiteral(t.shape)}, ${JSON.stringify(t.datatype)})`,
      `${v}.set_data_from_numpy(np.array(${pyLiteral(t.data)}, dtype=${pyDtype(t.datatype)}).reshape(${pyLiteral(t.shape)}), binary_data=${binary ? "True" : "False"})`,
      `inputs.append(${v})`,
    );
  });
  const outs: TensorMeta[] = schema?.outputs ?? [{ name: "output", datatype: "FP32", shape: [-1] }];
  lines.push(
    "outputs = [",
    ...outs.map((o) => `    httpclient.InferRequestedOutput(${JSON.stringify(o.name)}, binary_data=${o.datatype === "FP32" ? "True" : "False"}),`),
    "]",
    "",
    `result = client.infer(${JSON.stringify(model)}, inputs, ${version ? `model_version=${JSON.stringify(String(version))}, ` : ""}outputs=outputs, headers=headers)`,
    ...outs.map((o) => `print(${JSON.stringify(o.name)}, result.as_numpy(${JSON.stringify(o.name)}))`),
  );
  return lines.join("\n") + "\n";
}
