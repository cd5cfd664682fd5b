import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";

export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
}

export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

interface PendingAck {
  type: EnvelopeType;
  resolve: (ack: SocketAck) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Slack's Socket Mode side: tickets from apps.connections.open, the hello handshake, envelopes and acks. */
export class SocketModeServer {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly tickets = new Set<string>();
  private readonly clients: WebSocket[] = [];
  private readonly pending = new Map<string, PendingAck>();
  private waiters: Array<() => void> = [];

  constructor(
    private readonly appId: string,
    private readonly onAck: (ack: SocketAck, type: EnvelopeType) => void,
  ) {}

  get connectionCount(): number {
    return this.clients.length;
  }

  /** Tickets are single-use, like Slack's, so a client that reconnects must call apps.connections.open again. */
  issueUrl(httpBase: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${httpBase.replace(/^http/, "ws")}/socket?ticket=${ticket}&app_id=${this.appId}`;
  }

  /** Returns false when the upgrade is not for the socket path, so the caller can reject it. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "http://emulator");
    if (url.pathname !== "/socket") return false;
    const ticket = url.searchParams.get("ticket") ?? "";
    if (!this.tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n");
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    return true;
  }

  private accept(ws: WebSocket): void {
    this.clients.push(ws);
    ws.on("message", (data) => this.receive(data.toString()));
    ws.on("close", () => {
      const i = this.clients.indexOf(ws);
      if (i >= 0) this.clients.splice(i, 1);
    });
    ws.on("error", () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.clients.length,
        debug_info: { host: "applink-gantry-emulator", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.appId },
      }),
    );
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private receive(raw: string): void {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof message !== "object" || message === null) return;
    const ack = message as SocketAck;
    const pending = this.pending.get(ack.envelope_id);
    if (!pending) return;
    this.pending.delete(ack.envelope_id);
    clearTimeout(pending.timer);
    this.onAck(ack, pending.type);
    pending.resolve(ack);
  }

  /** Resolves once a client is connected (immediately if one already is). */
  connected(timeoutMs = 5000): Promise<void> {
    if (this.clients.some((c) => c.readyState === WebSocket.OPEN)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`Socket Mode: no client connected within ${timeoutMs}ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  sendSlashCommand(payload: object, timeoutMs = 5000): Promise<SocketAck> {
    return this.send("slash_commands", payload, timeoutMs);
  }

  sendInteractive(payload: object, timeoutMs = 5000): Promise<SocketAck> {
    return this.send("interactive", payload, timeoutMs);
  }

  sendEvent(payload: object, timeoutMs = 5000): Promise<SocketAck> {
    return this.send("events_api", payload, timeoutMs);
  }

  /** Sends an envelope to the newest connection and resolves with the bot's ack. */
  async send(type: EnvelopeType, payload: object, timeoutMs = 5000): Promise<SocketAck> {
    await this.connected(timeoutMs);
    const client = [...this.clients].reverse().find((c) => c.readyState === WebSocket.OPEN);
    if (!client) throw new Error("Socket Mode: the client disconnected before the envelope could be sent");
    const envelopeId = randomUUID();
    const envelope = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: type !== "events_api",
      retry_attempt: 0,
    };
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        reject(new Error(`Socket Mode: no ack for ${type} envelope ${envelopeId} within ${timeoutMs}ms`));
      }, timeoutMs);
      this.pending.set(envelopeId, { type, resolve, reject, timer });
      client.send(JSON.stringify(envelope), (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(envelopeId);
        reject(err);
      });
    });
  }

  close(): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`Socket Mode: emulator stopped before envelope ${id} was acked`));
    }
    this.pending.clear();
    for (const c of this.clients) c.terminate();
    this.clients.length = 0;
    // The noServer WebSocketServer holds nothing else, so the emulator can start again after stop().
    this.tickets.clear();
  }
}
