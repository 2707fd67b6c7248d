// Serves interactive queries of this process's running applications over HTTP (Kafka Streams
// leaves the RPC layer to the user; riskstream ships one): `POST /query {store, query}` and
// `GET /metadata` (which partitions of which store this process owns now), behind a bearer token.
// The endpoint is advertised as `<advertiseDir>/<pid>-<port>.json` ({url, pid, token}), one file per
// process, so a caller on this machine finds every worker of a data dir and fans out to them.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { QueryAnswer } from './query-router.ts';
import { unknownStoreError } from './query-router.ts';
import type { StateQueryTarget, StoreMetadata } from './query-target.ts';
import { StoreQueryError, type StoreQuery } from './store-query.ts';

export interface QueryEndpoint {
  url: string;
  pid: number;
  token: string;
}

export interface ProcessMetadata {
  pid: number;
  stores: (StoreMetadata & { applicationId: string })[];
}

export interface StateQueryServerOptions {
  targets: StateQueryTarget[];
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where to advertise the endpoint (e.g. `<dataDir>/queries`); nowhere when absent. */
  advertiseDir?: string;
}

export interface StateQueryServer {
  readonly url: string;
  readonly endpoint: QueryEndpoint;
  close(): Promise<void>;
}

export async function startStateQueryServer(o: StateQueryServerOptions): Promise<StateQueryServer> {
  const token = randomBytes(16).toString('hex');
  const server = createServer((req, res) => void handle(o.targets, token, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const host = o.host === undefined || o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  const url = `http://${host}:${(server.address() as { port: number }).port}`;
  const endpoint: QueryEndpoint = { url, pid: process.pid, token };
  // <pid>-<port>: two servers of one process (tests, several apps) advertise side by side.
  const port = (server.address() as { port: number }).port;
  const file = o.advertiseDir === undefined ? undefined : join(o.advertiseDir, `${process.pid}-${port}.json`);
  if (file) {
    mkdirSync(o.advertiseDir!, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(endpoint), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
  return {
    url,
    endpoint,
    close: async () => {
      if (file) rmSync(file, { force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The answer of the target whose topology declares `store` queryable. */
export async function queryTargets(targets: StateQueryTarget[], store: string, q: StoreQuery): Promise<QueryAnswer> {
  const known: string[] = [];
  for (const t of targets) {
    const stores = (await t.queryMetadata()).map((m) => m.store);
    if (stores.includes(store)) return t.query(store, q);
    known.push(...stores);
  }
  throw unknownStoreError(store, known);
}

async function handle(targets: StateQueryTarget[], token: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const reply = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.headers.authorization !== `Bearer ${token}`) return reply(401, { name: 'Unauthorized', message: 'unauthorized' });
  try {
    if (req.method === 'GET' && req.url === '/metadata') {
      const stores: ProcessMetadata['stores'] = [];
      for (const t of targets) for (const m of await t.queryMetadata()) stores.push({ ...m, applicationId: t.applicationId });
      return reply(200, { pid: process.pid, stores } satisfies ProcessMetadata);
    }
    if (req.method !== 'POST' || req.url !== '/query') return reply(404, { name: 'NotFound', message: 'not found' });
    let body = '';
    for await (const chunk of req) body += chunk;
    const { store, query } = JSON.parse(body) as { store: string; query: StoreQuery };
    reply(200, await queryTargets(targets, store, query));
  } catch (err) {
    const e = err as Error;
    reply(e instanceof StoreQueryError ? 400 : 500, { name: e.name, message: e.message });
  }
}
