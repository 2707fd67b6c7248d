// A real ClickHouse server for tests: Debian's clickhouse-server package (18.16), installed with apt-get on
// first use, run with a generated config on free ports in a temp dir. It is old: it serves the HTTP
// interface that @clickhouse/client speaks, not modern SQL (embedded chDB covers that).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import lockfile from 'proper-lockfile';
import { spawnService } from './child-process.ts';
import { assertPortFree, freePorts, sleep } from './ports.ts';
import { DevServiceError, type RunningService } from './service.ts';
import { makeServiceDir } from './service-dir.ts';

const SERVER_CANDIDATES = ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server'];
const CACHE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '.cache');

function findServer(): string | undefined {
  for (const candidate of SERVER_CANDIDATES) if (existsSync(candidate)) return candidate;
  const which = spawnSync('sh', ['-c', 'command -v clickhouse-server'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

function apt(args: string[]): void {
  const result = spawnSync('apt-get', args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.error)
    throw new DevServiceError('clickhouse', `apt-get not available (${result.error.message}); install clickhouse-server by hand`);
  if (result.status !== 0) {
    const lastError =
      `${result.stderr}${result.stdout}`
        .trim()
        .split('\n')
        .filter((l) => /^E:|rror/.test(l))
        .pop() ?? `exit ${result.status}`;
    throw new DevServiceError('clickhouse', `apt-get ${args.join(' ')} failed: ${lastError.trim()}`);
  }
}

/** The clickhouse-server binary, installed with apt-get (as root) when missing. */
export async function ensureClickHouseServer(): Promise<string> {
  const found = findServer();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new DevServiceError(
      'clickhouse',
      'clickhouse-server is not installed and installing it needs root: apt-get install -y clickhouse-server',
    );
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  // Parallel first runs: one installs, the others wait for it.
  const release = await lockfile.lock(CACHE_DIR, {
    lockfilePath: path.join(CACHE_DIR, 'clickhouse-install.lock'),
    retries: { retries: 900, minTimeout: 500, maxTimeout: 1000 },
    stale: 120_000,
  });
  try {
    const again = findServer();
    if (again) return again;
    apt(['update']);
    apt(['install', '-y', '--no-install-recommends', 'clickhouse-server']);
    const installed = findServer();
    if (!installed)
      throw new DevServiceError('clickhouse', 'apt-get installed clickhouse-server but no clickhouse-server binary was found');
    return installed;
  } finally {
    await release();
  }
}

function configXml(dir: string, httpPort: number, tcpPort: number): string {
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <http_port>${httpPort}</http_port>
  <tcp_port>${tcpPort}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
</yandex>
`;
}

const USERS_XML = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>2000000000</max_memory_usage></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

export interface ClickHouseService extends RunningService {
  url: string;
}

export async function startClickHouse(opts: { httpPort?: number; readyTimeoutMs?: number } = {}): Promise<ClickHouseService> {
  const server = await ensureClickHouseServer();
  const [freeHttp, tcpPort] = await freePorts(2);
  const httpPort = opts.httpPort ?? freeHttp;
  if (opts.httpPort !== undefined) await assertPortFree('clickhouse', opts.httpPort);
  const work = makeServiceDir('clickhouse');
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas']) mkdirSync(path.join(work.dir, sub), { recursive: true });
  const configFile = path.join(work.dir, 'config.xml');
  writeFileSync(configFile, configXml(work.dir, httpPort, tcpPort));
  writeFileSync(path.join(work.dir, 'users.xml'), USERS_XML);

  const proc = spawnService(server, [`--config-file=${configFile}`], { cwd: work.dir, logFile: path.join(work.dir, 'server.log') });
  const stop = async (): Promise<void> => {
    await proc.stop(5000);
    work.remove();
  };
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (proc.exited()) {
      const tail = proc.tail(3).replace(/\s+/g, ' ');
      await stop();
      throw new DevServiceError('clickhouse', `server exited with code ${proc.exitCode()} before it was ready: ${tail}`);
    }
    const ok = await fetch(`${url}/ping`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new DevServiceError('clickhouse', `server on ${url} did not answer /ping within ${opts.readyTimeoutMs ?? 60_000} ms`);
    }
    await sleep(150);
  }
  return { env: { CLICKHOUSE_URL: url, CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '' }, url, stop };
}
