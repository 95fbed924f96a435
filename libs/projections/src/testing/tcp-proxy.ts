import { connect, createServer, Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL that can go silent: freeze() stops forwarding in both directions without
 * closing anything, as a dead network path does. A client behind it gets no error and no answer (until TCP gives
 * up, hours later): the only way to notice is to ask something and time out. New connections are refused while
 * frozen.
 */
export interface TcpProxy {
  /** `databaseUrl` with host and port replaced by the proxy's. */
  readonly url: string;
  freeze(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(databaseUrl: string): Promise<TcpProxy> {
  const target = new URL(databaseUrl);
  const pairs: Array<[Socket, Socket]> = [];
  let frozen = false;
  const server = createServer((client) => {
    if (frozen) return void client.destroy();
    const upstream = connect(Number(target.port || 5432), target.hostname);
    pairs.push([client, upstream]);
    client.pipe(upstream);
    upstream.pipe(client);
    const drop = (): void => {
      if (frozen) return; // a frozen path closes nothing: the other side never hears of it
      client.destroy();
      upstream.destroy();
    };
    for (const s of [client, upstream]) {
      s.on('error', drop);
      s.on('close', drop);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(address.port);
  return {
    url: url.toString(),
    freeze() {
      frozen = true;
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
