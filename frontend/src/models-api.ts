// Types and calls of the Models API (server/models_api.go) and the model
// endpoints themselves (the Open Inference Protocol v2 under /v2/).

import { APIError, getJSON, postJSON } from "./api";

export interface TensorMeta {
  name: string;
  datatype: string;
  shape: number[];
  parameters?: Record<string, unknown>;
}

/** Schema is what a version takes and gives (serving.Description). */
export interface Schema {
  name: string;
  version: number;
  input: "text" | "ids" | "features" | "sequence";
  features?: number;
  max_length?: number;
  scaler?: string;
  example?: number[];
  classes?: string[];
  inputs: TensorMeta[];
  outputs: TensorMeta[];
}

export interface ModelSummary {
  name: string;
  default: number;
  pinned: boolean;
  latest: number;
  /** A version taking a share of the requests that name none. */
  canary?: { version: number; percent: number };
  /** Why the server does not route to the canary, when it does not. */
  canary_error?: string;
  versions: number;
  public: boolean;
  ready: boolean;
  error?: string;
  input?: string;
  classes?: number;
  updated: string;
  notebook?: string;
  url: string;
}

export interface Epoch {
  epoch: number;
  loss: number | null;
  val_loss: number | null;
  metrics?: Record<string, number | null>;
  val_metrics?: Record<string, number | null>;
}

export interface Lineage {
  notebook?: string;
  cell?: string;
  content_hash?: string;
  source?: string;
  time: string;
  metrics?: Record<string, number | null>;
  history?: { epochs?: Epoch[]; planned?: number; stopped?: boolean; stop_reason?: string; elapsed_ms?: number };
  compression?: {
    quantization?: { bytes_before: number; bytes_after: number; metric?: string; metric_before: number | null; metric_after: number | null };
    pruning?: { weights: number; zeros: number; sparsity: number | null };
  };
}

export interface VersionDetail {
  version: number;
  created: string;
  bytes: number;
  lineage: Lineage;
  is_default: boolean;
  notebook_exists: boolean;
  notebook_unchanged: boolean;
}

export interface ModelDetail extends ModelSummary {
  version_list: VersionDetail[];
  schema: Schema | null;
  v1_url: string;
}

export interface Key {
  id: string;
  name: string;
  models: string[];
  created: string;
}

export interface StatsPoint {
  t: number;
  requests: number;
  client_errors: number;
  server_errors: number;
  p50_ms: number | null;
  p90_ms: number | null;
  p99_ms: number | null;
}

export interface ModelStats {
  model: string;
  seconds: number;
  now: number;
  versions: { version: string; points: StatsPoint[]; requests: number; client_errors: number; server_errors: number; p50_ms: number | null; p99_ms: number | null }[];
}

/** ExportJob is an export of a model version into the notebook root
 * (server/models_export.go): its state while it runs, its files and the
 * commands that use them once done. */
export interface ExportJob {
  id: string;
  model: string;
  version: number;
  state: "queued" | "binary" | "writing" | "copying" | "done" | "failed";
  step: string;
  seq: number;
  dir: string;
  path: string;
  started: string;
  finished?: string;
  error?: string;
  files?: string[];
  bytes?: number;
  tag?: string;
  image_id?: string;
  digest?: string;
  binary?: string;
  storage_uri?: string;
  commands?: { id: string; label: string; command: string }[];
}

const enc = encodeURIComponent;

export const modelsAPI = {
  list: (): Promise<{ models: ModelSummary[]; keys: number }> => getJSON("/api/models"),
  get: (name: string): Promise<ModelDetail> => getJSON(`/api/models/${enc(name)}`),
  stats: (name: string, seconds: number): Promise<ModelStats> => getJSON(`/api/models/${enc(name)}/stats?seconds=${seconds}`),
  pin: (name: string, version: number): Promise<ModelDetail> => postJSON(`/api/models/${enc(name)}/pin`, { version }),
  unpin: (name: string): Promise<ModelDetail> => postJSON(`/api/models/${enc(name)}/unpin`, {}),
  canary: (name: string, version: number, percent: number): Promise<ModelDetail> => postJSON(`/api/models/${enc(name)}/canary`, { version, percent }),
  clearCanary: (name: string): Promise<ModelDetail> => postJSON(`/api/models/${enc(name)}/canary/clear`, {}),
  deleteVersion: (name: string, version: number): Promise<any> => postJSON(`/api/models/${enc(name)}/versions/${version}/delete`, {}),
  deleteModel: (name: string): Promise<any> => postJSON(`/api/models/${enc(name)}/delete`, {}),
  setPublic: (name: string, pub: boolean): Promise<ModelDetail> =>
    postJSON(`/api/models/${enc(name)}/public`, pub ? { public: true, confirm: name } : { public: false }),
  startExport: (name: string, version: number): Promise<ExportJob> => postJSON(`/api/models/${enc(name)}/export`, { version }),
  exports: (name: string): Promise<{ exports: ExportJob[] }> => getJSON(`/api/models/${enc(name)}/exports`),
  /** exportJob answers the job; with since, once it has changed after that seq (or after 20 s). */
  exportJob: (name: string, id: string, since?: number): Promise<ExportJob> =>
    getJSON(`/api/models/${enc(name)}/exports/${enc(id)}` + (since === undefined ? "" : `?since=${since}`)),
  exportDownloadURL: (name: string, id: string): string => `/api/models/${enc(name)}/exports/${enc(id)}/download`,
  keys: (): Promise<{ keys: Key[]; public_models: string[] }> => getJSON("/api/keys"),
  createKey: (name: string, models: string[]): Promise<{ key: Key; token: string }> => postJSON("/api/keys", { name, models }),
  revokeKey: (id: string): Promise<any> => postJSON(`/api/keys/${enc(id)}/revoke`, {}),
};

/** InferResult is an OIP response, or the error the endpoint answered. */
export interface InferResult {
  status: number;
  body: any;
  ms: number;
}

/** infer calls the model's own endpoint with the notebook session (its cookie):
 * the same route a client with an API key calls. */
export async function infer(name: string, version: number | null, request: unknown): Promise<InferResult> {
  const url = version ? `/v2/models/${enc(name)}/versions/${version}/infer` : `/v2/models/${enc(name)}/infer`;
  const t0 = performance.now();
  const resp = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    // The header shows the server this is the page itself, not a form posted
    // from another port of the same host (which would carry the cookie too).
    headers: { "Content-Type": "application/json", "X-Gopad-CSRF": "1" },
    body: JSON.stringify(request),
  });
  const text = await resp.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: resp.status, body, ms: performance.now() - t0 };
}

export { APIError };
