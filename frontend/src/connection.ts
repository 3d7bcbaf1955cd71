// The notebook page's connection to its server session: the reconnecting socket,
// edits debounced and kept until the server has them, our connection id (to skip
// our own echoes) and requests answered by a reply with the same req_id.

import { Message, NotebookSocket, ConnState } from "./ws";

const EDIT_DEBOUNCE_MS = 300;

let idCounter = 0;

/** newID returns a short random id for cells and requests. */
export function newID(): string {
  const rnd = crypto.getRandomValues(new Uint32Array(2));
  return `${rnd[0].toString(36)}${rnd[1].toString(36)}${(idCounter++).toString(36)}`.slice(0, 16);
}

export class Connection {
  private readonly sock: NotebookSocket;
  private connId: string | null = null;
  private pendingEdits = new Map<string, string>();
  private editTimer: number | undefined;
  private replies = new Map<string, (m: Message | null) => void>();

  /** onMessage gets every server message that is not a reply to request. */
  onMessage: (m: Message) => void = () => {};
  onState: (s: ConnState, detail?: string) => void = () => {};

  /** hasCell tells whether a cell still exists (edits of deleted cells are dropped). */
  constructor(path: string, private readonly hasCell: (id: string) => boolean) {
    this.sock = new NotebookSocket(path);
    this.sock.onMessage = (m) => this.receive(m);
    this.sock.onState = (s, detail) => this.onState(s, detail);
  }

  connect(): void {
    this.sock.connect();
  }

  send(m: Message): void {
    this.sock.send(m);
  }

  private receive(m: Message) {
    if (m.type === "hello") {
      // Our connection id: cell_source frames from it are our own echoes.
      this.connId = m.conn_id === undefined ? null : String(m.conn_id);
      return;
    }
    if (m.type === "snapshot" && (typeof m.conn_id === "string" || typeof m.conn_id === "number")) this.connId = String(m.conn_id);
    if (typeof m.req_id === "string" && m.type.endsWith("_reply")) {
      const resolve = this.replies.get(m.req_id);
      if (resolve) {
        this.replies.delete(m.req_id);
        resolve(m);
      }
      return;
    }
    this.onMessage(m);
  }

  /** isOwnEcho reports whether a frame's origin is this connection. */
  isOwnEcho(origin: unknown): boolean {
    return this.connId !== null && String(origin) === this.connId;
  }

  /**
   * request sends m with a fresh req_id (after the edits not yet sent, so the
   * kernel sees the cell as typed) and resolves with the reply, or null after
   * timeoutMs.
   */
  request(m: Message, timeoutMs: number): Promise<Message | null> {
    this.flushEdits();
    const reqId = newID();
    this.sock.send({ ...m, req_id: reqId });
    return new Promise((resolve) => {
      this.replies.set(reqId, resolve);
      setTimeout(() => {
        if (this.replies.delete(reqId)) resolve(null);
      }, timeoutMs);
    });
  }

  /** edit records a cell's new text; it is sent after a pause in typing. */
  edit(cellID: string, source: string): void {
    this.pendingEdits.set(cellID, source);
    window.clearTimeout(this.editTimer);
    this.editTimer = window.setTimeout(() => this.flushEdits(), EDIT_DEBOUNCE_MS);
  }

  /** pendingEdit is the text of a cell edited here and not yet acknowledged, if any. */
  pendingEdit(cellID: string): string | undefined {
    return this.pendingEdits.get(cellID);
  }

  /** dropEdit forgets a deleted cell's pending edit. */
  dropEdit(cellID: string): void {
    this.pendingEdits.delete(cellID);
  }

  /** flushEdits sends every edit not yet sent (before running or saving). */
  flushEdits(): void {
    window.clearTimeout(this.editTimer);
    for (const [id, source] of this.pendingEdits) {
      if (this.hasCell(id)) this.sock.send({ type: "edit_cell", cell_id: id, source });
    }
    // Edits are in the socket's queue now (it resends them after a reconnect), but
    // until the server has them a snapshot must not overwrite them: keep them while
    // disconnected.
    if (this.sock.isOpen()) this.pendingEdits.clear();
  }
}
