import os from 'node:os';
import type { IncomingMessage } from 'node:http';

/** 127.0.0.0/8, ::1 and IPv4 loopback written as IPv6. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase();
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

/** Whether a --host value keeps the server on this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}

const wildcard = new Set(['0.0.0.0', '::', '']);

/**
 * The names a browser may legitimately reach this server by (a DNS-rebinding guard: a page on
 * evil.example that resolves to our address sends its own Host). Loopback names always; the
 * bound address; on a wildcard bind every interface's address and this machine's name; and the
 * names given with --allow-host (a reverse proxy's public name), on any port.
 */
export class HostAllowList {
  private readonly names = new Set<string>(['127.0.0.1', 'localhost', '::1']);
  private readonly anyPort: Set<string>;

  constructor(boundHost: string, extra: readonly string[] = []) {
    const bound = boundHost.toLowerCase();
    if (wildcard.has(bound)) {
      for (const list of Object.values(os.networkInterfaces()))
        for (const i of list ?? []) this.names.add(i.address.toLowerCase().replace(/%.*$/, ''));
      const name = os.hostname().toLowerCase();
      if (name) {
        this.names.add(name);
        if (!name.includes('.')) this.names.add(`${name}.local`);
      }
    } else this.names.add(bound);
    this.anyPort = new Set(extra.map((h) => h.toLowerCase()));
  }

  allows(req: IncomingMessage, port: number): boolean {
    const parsed = splitHost(req.headers.host ?? '');
    if (!parsed) return false;
    if (this.anyPort.has(parsed.name)) return true;
    // No port in Host means the scheme's default, which only a server on 80 or 443 has.
    const sent = parsed.port ?? (port === 443 ? 443 : 80);
    return this.names.has(parsed.name) && sent === port;
  }
}

/** "name:port", "[v6]:port" or a bare name, lower-cased; null when malformed. */
function splitHost(header: string): { name: string; port: number | null } | null {
  const h = header.trim().toLowerCase();
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(h);
  if (!m) return null;
  return { name: m[1] ?? m[2]!, port: m[3] ? Number(m[3]) : null };
}
