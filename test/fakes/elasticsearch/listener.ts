// A loopback HTTP listener that can refuse connections on cue: closing it destroys every open
// connection (clients get ECONNREFUSED), and resume() listens again on the same port. Shared by the
// strict fake and the fault proxy in front of the real node.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export class RefusableListener {
  private server: Server;
  private readonly sockets = new Set<Socket>();
  private refusing = false;
  port = 0;

  constructor(private readonly handler: RequestListener) {
    this.server = this.newServer();
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get closed(): boolean {
    return this.refusing;
  }

  /** Closes the listening socket and every open connection: clients get ECONNREFUSED. */
  async refuseConnections(): Promise<void> {
    this.refusing = true;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  /** Listens again on the same port after refuseConnections(). */
  async resume(): Promise<void> {
    if (!this.refusing) return;
    this.server = this.newServer();
    await this.listen(this.port);
    this.refusing = false;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private newServer(): Server {
    const server = createServer(this.handler);
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return server;
  }
}
