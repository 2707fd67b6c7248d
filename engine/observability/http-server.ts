// /metrics (Prometheus text) and /health (JSON, 200 while running, 503 otherwise) on an optional port.
import http from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthSource {
  health(): { ok: boolean; state: string; tasks: number };
}

/** A prom-client Registry, or anything that renders metrics the same way (e.g. several threads' registries merged). */
export type MetricsSource = Pick<Registry, 'metrics' | 'contentType'>;

export async function startObservabilityServer(port: number, registry: MetricsSource, health: HealthSource): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/metrics')) {
      registry.metrics().then(
        (body) => {
          res.writeHead(200, { 'content-type': registry.contentType });
          res.end(body);
        },
        (err: Error) => {
          res.writeHead(500);
          res.end(err.message);
        },
      );
    } else if (url.startsWith('/health')) {
      const h = health.health();
      res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(h));
    } else {
      res.writeHead(404);
      res.end('not found: try /metrics or /health\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return server;
}
