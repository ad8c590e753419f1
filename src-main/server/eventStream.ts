import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Atelier } from '../core/app/atelier';
import type { Caller } from '../core/app/caller';
import { visibleTo } from '../core/app/audience';

/**
 * /events: one WebSocket per page, each with who is on the other end, so every event passes the
 * audience rules for that caller. Sockets are bounded per credential (a browser session, an API
 * token: a studio behind one address is many people) and in all: 226 WebSockets under a
 * 256-file limit once stopped the api.
 */
export class EventStream {
  private readonly sockets = new Map<WebSocket, Caller & { client: string }>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly off: () => void;

  constructor(
    core: Atelier,
    private readonly maxSockets: number,
    private readonly maxPerClient: number,
  ) {
    this.off = core.events.onAny((event, payload) => {
      if (this.sockets.size === 0) return;
      let msg: string | null = null;
      for (const [ws, caller] of this.sockets) {
        if (ws.readyState !== ws.OPEN || !visibleTo(caller, event, payload)) continue;
        ws.send((msg ??= JSON.stringify({ event, payload })));
      }
    });
  }

  /** Whether one more socket for `client` (a credential) fits. */
  hasRoomFor(client: string): boolean {
    let fromThisClient = 0;
    for (const s of this.sockets.values()) if (s.client === client) fromThisClient++;
    return this.sockets.size < this.maxSockets && fromThisClient < this.maxPerClient;
  }

  accept(req: IncomingMessage, socket: Duplex, head: Buffer, caller: Caller, client: string): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.set(ws, { ...caller, client });
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => this.sockets.delete(ws));
      ws.send(JSON.stringify({ event: 'hello', payload: { at: new Date().toISOString() } }));
    });
  }

  /** A user's sockets end when their account is disabled or their sessions are revoked. */
  dropUser(userId: string): void {
    for (const [ws, c] of this.sockets) if (c.userId === userId) ws.close(4001, 'Signed out');
  }

  close(): void {
    this.off();
    for (const ws of this.sockets.keys()) ws.terminate();
    this.wss.close();
  }
}
