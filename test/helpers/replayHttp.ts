import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * Answers HTTP requests with recorded responses, byte for byte (status line, headers, body as
 * the real engine sent them). Routes are "METHOD /path"; anything else gets a 404 the way a
 * plain server would. `seen` lists the requests in arrival order.
 */
export class ReplayServer {
  readonly seen: string[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly routes: Record<string, string | Buffer>) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      let head = '';
      socket.on('data', (d) => {
        head += d.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [method, target] = head.slice(0, head.indexOf('\r\n')).split(' ');
        const route = `${method} ${(target ?? '').split('?')[0]}`;
        this.seen.push(route);
        head = '';
        const answer = this.routes[route];
        socket.end(
          answer === undefined
            ? 'HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nNot Found'
            : typeof answer === 'string'
              ? readFileSync(answer)
              : answer,
        );
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server?.close(r));
  }
}
