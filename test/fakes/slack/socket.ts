// Slack's Socket Mode on the fake: apps.connections.open (app token) hands out a ws:// URL on the
// fake's own port; the connection gets Slack's `hello`, then envelopes (slash_commands, interactive,
// events_api) that the app must acknowledge with their envelope_id. A minimal RFC 6455 server
// (handshake, masked client frames, ping/pong, close handshake) so no WebSocket package is needed.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { FAKE_BOT } from './workspace';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

class Connection {
  private buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  closed = false;

  constructor(
    readonly socket: Duplex,
    private readonly onText: (text: string) => void,
  ) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => (this.closed = true));
  }

  sendText(text: string): void {
    this.frame(0x1, Buffer.from(text, 'utf8'));
  }

  close(code = 1000): void {
    if (this.closed) return;
    const body = Buffer.alloc(2);
    body.writeUInt16BE(code);
    this.frame(0x8, body);
    this.socket.end();
    this.closed = true;
  }

  private frame(opcode: number, payload: Buffer): void {
    if (this.closed) return;
    const len = payload.length;
    const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(len)]);
    this.socket.write(Buffer.concat([head, payload]));
  }

  private read(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const fin = (this.buffer[0]! & 0x80) !== 0;
      const opcode = this.buffer[0]! & 0x0f;
      const masked = (this.buffer[1]! & 0x80) !== 0;
      let len = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (this.buffer.length < 4) return;
        len = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (this.buffer.length < 10) return;
        len = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      // Clients must mask every frame (RFC 6455 5.1); a server closes on unmasked ones.
      if (!masked) return this.close(1002);
      if (this.buffer.length < offset + 4 + len) return;
      const mask = this.buffer.subarray(offset, offset + 4);
      const payload = Buffer.from(this.buffer.subarray(offset + 4, offset + 4 + len));
      for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
      this.buffer = this.buffer.subarray(offset + 4 + len);
      this.handle(fin, opcode, payload);
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === 0x9) return this.frame(0xa, payload); // ping -> pong
    if (opcode === 0xa) return; // pong
    if (opcode === 0x8) return this.close(); // answer the close handshake
    if (opcode === 0x1 || opcode === 0x0) {
      this.fragments.push(payload);
      if (!fin) return;
      const text = Buffer.concat(this.fragments).toString('utf8');
      this.fragments = [];
      this.onText(text);
    }
  }
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export class FakeSocketMode {
  private readonly connections = new Set<Connection>();
  private readonly waiting = new Map<string, (ack: SocketAck) => void>();
  private readonly tickets = new Set<string>();

  /** Answers apps.connections.open: a single-use ticket on the fake's port. */
  issueUrl(origin: string): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return `${origin.replace(/^http/, 'ws')}/link/?ticket=${ticket}&app_id=${FAKE_BOT.appId}`;
  }

  get connected(): number {
    return [...this.connections].filter((c) => !c.closed).length;
  }

  upgrade(req: IncomingMessage, socket: Duplex): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    const key = req.headers['sec-websocket-key'];
    if (url.pathname !== '/link/' || !this.tickets.delete(ticket) || typeof key !== 'string') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    const conn = new Connection(socket, (text) => this.onMessage(text));
    this.connections.add(conn);
    socket.on('close', () => this.connections.delete(conn));
    conn.sendText(JSON.stringify({ type: 'hello', num_connections: this.connections.size, debug_info: { host: 'fake-slack', approximate_connection_time: 18060 }, connection_info: { app_id: FAKE_BOT.appId } }));
  }

  /** Sends an envelope to a connected app and resolves with its acknowledgement (Slack waits 3 s). */
  send(type: 'slash_commands' | 'interactive' | 'events_api', payload: Record<string, unknown>, timeoutMs = 3_000): Promise<SocketAck> {
    const conn = [...this.connections].find((c) => !c.closed);
    if (!conn) return Promise.reject(new Error('no Socket Mode connection is open'));
    const envelope_id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(envelope_id);
        reject(new Error(`envelope ${type} was not acknowledged within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(envelope_id, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
      conn.sendText(JSON.stringify({ envelope_id, type, payload, accepts_response_payload: type !== 'events_api', ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}) }));
    });
  }

  close(): void {
    for (const c of this.connections) {
      c.close(1001);
      c.socket.destroy();
    }
    this.connections.clear();
  }

  private onMessage(text: string): void {
    let msg: SocketAck;
    try {
      msg = JSON.parse(text) as SocketAck;
    } catch {
      return;
    }
    this.waiting.get(msg.envelope_id)?.(msg);
    this.waiting.delete(msg.envelope_id);
  }
}
