/**
 * A Server-Sent Events reader for streamed chat answers (`data: {json}` events separated by a
 * blank line, as the WHATWG spec has it). Bytes arrive in whatever pieces TCP made: a piece may
 * end inside a line, between a CR and its LF, or inside a multi-byte character, so lines are
 * only read once they are whole and the text decoder keeps a split character for the next piece.
 */

export interface SseEvent {
  /** The `event:` field ('message' when absent), or 'error' for llama-server's `error:` lines. */
  event: string;
  /** The `data:` lines, joined with "\n". */
  data: string;
}

export class SseReader {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  private name = '';
  private data: string[] = [];

  /** The events completed by this piece of the body. */
  push(bytes: Uint8Array): SseEvent[] {
    this.buffer += this.decoder.decode(bytes, { stream: true });
    return this.drain(false);
  }

  /**
   * The body ended. An event without its closing blank line is dropped, as the spec says: the
   * connection broke before the server finished writing it.
   */
  end(): SseEvent[] {
    this.buffer += this.decoder.decode();
    return this.drain(true);
  }

  private drain(final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    const buf = this.buffer;
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (c !== '\n' && c !== '\r') continue;
      // A CR at the very end may be the first half of a CRLF: wait for the next piece.
      if (c === '\r' && i + 1 === buf.length && !final) break;
      const event = this.line(buf.slice(start, i));
      if (event) out.push(event);
      if (c === '\r' && buf[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.buffer = buf.slice(start);
    if (final) {
      this.buffer = '';
      this.data = [];
      this.name = '';
    }
    return out;
  }

  private line(line: string): SseEvent | null {
    if (line === '') {
      if (!this.data.length) {
        this.name = '';
        return null;
      }
      const event = { event: this.name || 'message', data: this.data.join('\n') };
      this.data = [];
      this.name = '';
      return event;
    }
    if (line.startsWith(':')) return null; // a comment (keep-alive)
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.name = value;
    else if (field === 'error') {
      // Older llama-server builds report a failure mid-stream as `error: {json}`, not `data:`.
      this.name = 'error';
      this.data.push(value);
    }
    return null;
  }
}
