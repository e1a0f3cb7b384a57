/**
 * A hostile HTTP client: raw bytes over a TCP connection, written when and as slowly as a test
 * says, with no HTTP library in between to fix what it sends.
 */
import { once } from 'node:events';
import net from 'node:net';

/** How long a test waits for the server to close a connection before calling it still open. */
export const CLOSE_BOUND_MS = 5_000;

export class RawClient {
  private readonly chunks: Buffer[] = [];
  private readonly closed: Promise<void>;
  private dripping: NodeJS.Timeout | undefined;
  /** Bytes the client has handed to the socket. */
  bytesSent = 0;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.chunks.push(chunk));
    // A reset by the server is one way for it to close the connection.
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', resolve)).then(() => clearInterval(this.dripping));
  }

  /** A connection to the host and port of `url`. */
  static async connect(url: string): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    const socket = net.connect(Number(port), hostname);
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  write(data: string | Buffer): void {
    if (this.socket.destroyed) return;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    this.bytesSent += bytes.length;
    this.socket.write(bytes);
  }

  /** Keeps writing `chunk` every `everyMs` until the connection closes. */
  drip(chunk: string | Buffer, everyMs: number): void {
    this.dripping = setInterval(() => this.write(chunk), everyMs);
  }

  /** Everything the server sent so far, as text. */
  received(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }

  /** The status code of the server's first answer, or null before one came. */
  status(): number | null {
    const match = /^HTTP\/1\.1 (\d{3}) /.exec(this.received());
    return match ? Number(match[1]) : null;
  }

  /** True once the server has closed the connection; false if it is still open after `boundMs` (the client then closes it). */
  async closedWithin(boundMs = CLOSE_BOUND_MS): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([this.closed.then(() => true), new Promise<false>((resolve) => (timer = setTimeout(resolve, boundMs, false)))]);
    clearTimeout(timer);
    if (!closed) this.destroy();
    return closed;
  }

  /** Whether the connection is still open now. */
  get open(): boolean {
    return !this.socket.destroyed && !this.socket.readableEnded;
  }

  destroy(): void {
    clearInterval(this.dripping);
    this.socket.destroy();
  }
}

/** Sends `request` on a fresh connection and resolves once the server closes it (at most `CLOSE_BOUND_MS`). */
export async function exchange(url: string, request: string | Buffer): Promise<RawClient> {
  const client = await RawClient.connect(url);
  client.write(request);
  await client.closedWithin();
  return client;
}

/** The status of `GET /healthz` on a fresh connection closed after the answer. */
export async function healthStatus(url: string): Promise<number | null> {
  return (await exchange(url, 'GET /healthz HTTP/1.1\r\nHost: kaudit\r\nConnection: close\r\n\r\n')).status();
}
