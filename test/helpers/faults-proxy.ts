// A loopback TCP proxy for the fault suite: passes bytes both ways untouched until told to hold the
// answers (server to client), e.g. so a request reaches Temporal and is carried out while its caller
// never hears back, the window in which a process killed "mid-request" leaves its client guessing.
import { createServer, connect, type Server, type Socket } from 'node:net';

export class HoldingProxy {
  private holding = false;
  private readonly held: { to: Socket; data: Buffer }[] = [];
  private readonly sockets = new Set<Socket>();
  /** Bytes that went from clients to the server (to see that a request went out). */
  forwardedUp = 0;

  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  /** Listens on a free 127.0.0.1 port and forwards to `target` (host:port). */
  static async start(target: string): Promise<HoldingProxy> {
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    const proxies: HoldingProxy[] = []; // the connection handler needs the proxy made after listen()
    const server = createServer((client) => proxies[0]!.pipe(client, connect(port, host)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    proxies.push(new HoldingProxy(server, `127.0.0.1:${(server.address() as { port: number }).port}`));
    return proxies[0]!;
  }

  private pipe(client: Socket, upstream: Socket): void {
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => undefined); // the other side's close ends both
    }
    client.on('data', (d: Buffer) => {
      this.forwardedUp += d.length;
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => (this.holding ? this.held.push({ to: client, data: d }) : client.write(d)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  /** From now on, answers are kept back (requests still go through). */
  hold(): void {
    this.holding = true;
  }

  /** Stops holding; answers kept back go to clients still connected, in order. */
  release(): void {
    this.holding = false;
    for (const { to, data } of this.held.splice(0)) if (!to.destroyed) to.write(data);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}
