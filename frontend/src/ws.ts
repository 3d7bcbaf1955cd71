// A websocket to one notebook session that reconnects by itself. Messages sent while
// disconnected are queued and sent, in order, once the server's snapshot has arrived.

/** Message is one JSON frame of the notebook protocol. */
export type Message = { type: string; [key: string]: any };

export type ConnState = "connecting" | "open" | "closed";

export class NotebookSocket {
  private ws: WebSocket | null = null;
  private queue: Message[] = [];
  private retry = 0;
  private stopped = false;
  private ready = false;

  onMessage: (m: Message) => void = () => {};
  onState: (s: ConnState, detail?: string) => void = () => {};

  constructor(private readonly path: string) {}

  /** connect opens the socket (and keeps reopening it until close). */
  connect(): void {
    if (this.stopped) return;
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(`${proto}//${location.host}/api/ws?path=${encodeURIComponent(this.path)}`);
    this.ws = ws;
    this.ready = false;
    this.onState("connecting");
    ws.onmessage = (e) => {
      let m: Message;
      try {
        m = JSON.parse(e.data);
      } catch {
        console.error("gopad: bad frame from server", e.data);
        return;
      }
      if (m.type === "snapshot") {
        this.retry = 0;
        this.onMessage(m);
        this.ready = true;
        this.onState("open");
        this.flush();
        return;
      }
      this.onMessage(m);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.ready = false;
      if (this.stopped) return;
      // Back off 0.25 s, 0.5 s, 1 s ... up to 5 s; a restarted server is found quickly.
      const delay = Math.min(5000, 250 * 2 ** this.retry++);
      this.onState("closed", e.reason || (e.code === 1006 ? "connection lost" : `closed (${e.code})`));
      setTimeout(() => this.connect(), delay);
    };
  }

  /** send sends m now, or after reconnecting. */
  send(m: Message): void {
    if (this.ready && this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify(m));
    } else {
      this.queue.push(m);
    }
  }

  /** isOpen reports whether messages go out immediately. */
  isOpen(): boolean {
    return this.ready && this.ws?.readyState === WebSocket.OPEN;
  }

  private flush() {
    const q = this.queue;
    this.queue = [];
    for (const m of q) this.send(m);
  }

  /** close stops the socket for good. */
  close(): void {
    this.stopped = true;
    this.ws?.close();
  }
}
