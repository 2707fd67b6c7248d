// A real single-node Apache Kafka 3.9.1 broker (KRaft, broker+controller in one JVM) from Maven Central jars.
// The jars are copied once into dev/.cache/kafka-libs by Maven (dev/kafka/pom.xml); each start gets a fresh
// log dir on free ports, configured so transactions work with one broker.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import lockfile from 'proper-lockfile';
import { spawnService, type ServiceProcess } from './child-process.ts';
import { assertPortFree, freePorts, sleep, waitForPort } from './ports.ts';
import { DevServiceError, type InterruptibleService } from './service.ts';
import { makeServiceDir } from './service-dir.ts';

const DEV_DIR = path.dirname(fileURLToPath(import.meta.url));
export const KAFKA_POM = path.join(DEV_DIR, 'kafka', 'pom.xml');
export const KAFKA_LIBS_DIR = path.join(DEV_DIR, '.cache', 'kafka-libs');
const COMPLETE_MARKER = path.join(KAFKA_LIBS_DIR, '.complete');

export interface KafkaService extends InterruptibleService {
  /** Milliseconds from spawning the JVM until the broker answered a metadata request. */
  startupMs: number;
  brokers: string;
}

function requireTool(service: string, tool: string, hint: string): void {
  const probe = spawnSync(tool, ['-version'], { stdio: 'ignore' });
  if (probe.error) throw new DevServiceError(service, `'${tool}' not found on PATH (${hint})`);
}

/** Copies Kafka's jars from Maven Central into dev/.cache/kafka-libs unless already there; returns the dir. */
export async function ensureKafkaLibs(): Promise<string> {
  if (existsSync(COMPLETE_MARKER)) return KAFKA_LIBS_DIR;
  requireTool('kafka', 'mvn', 'install Maven: apt-get install -y maven');
  mkdirSync(path.dirname(KAFKA_LIBS_DIR), { recursive: true });
  // Several processes may start Kafka at once on a first run: one copies, the others wait.
  const release = await lockfile.lock(path.dirname(KAFKA_LIBS_DIR), {
    lockfilePath: path.join(path.dirname(KAFKA_LIBS_DIR), 'kafka-libs.lock'),
    retries: { retries: 600, minTimeout: 500, maxTimeout: 1000 },
    stale: 120_000,
  });
  try {
    if (existsSync(COMPLETE_MARKER)) return KAFKA_LIBS_DIR;
    const result = spawnSync(
      'mvn',
      ['-q', '-B', '-f', KAFKA_POM, 'dependency:copy-dependencies', `-DoutputDirectory=${KAFKA_LIBS_DIR}`, '-DincludeScope=runtime'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    if (result.status !== 0) {
      const detail = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').find((l) => l.includes('ERROR')) ?? `exit ${result.status}`;
      throw new DevServiceError('kafka', `Maven could not fetch the Kafka jars with ${KAFKA_POM}: ${detail.trim()}`);
    }
    writeFileSync(COMPLETE_MARKER, new Date().toISOString());
    return KAFKA_LIBS_DIR;
  } finally {
    await release();
  }
}

/** Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. */
/** Like Kafka's Uuid.randomUuid(): never starting with '-', which kafka-storage would read as an option (1 start in 64 failed). */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(dataDir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'auto.create.topics.enable=true',
    // One broker: internal topics must not ask for more replicas than exist, or transactions and groups hang.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'min.insync.replicas=1',
    'default.replication.factor=1',
    'group.initial.rebalance.delay.ms=0',
    'log.segment.bytes=16777216',
    'log.retention.check.interval.ms=300000',
    '',
  ].join('\n');
}

const LOG4J2 = [
  'status = error',
  'appender.console.type = Console',
  'appender.console.name = console',
  'appender.console.layout.type = PatternLayout',
  'appender.console.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = warn',
  'rootLogger.appenderRef.console.ref = console',
  // The line that says the broker is up, kept for people reading the log.
  'logger.server.name = kafka.server.KafkaRaftServer',
  'logger.server.level = info',
  '',
].join('\n');

// A small heap and C1-only JIT: this broker carries test traffic on a shared 2-core machine.
const JVM_OPTS = ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto', '-Djava.awt.headless=true'];

export async function startKafka(opts: { port?: number; readyTimeoutMs?: number } = {}): Promise<KafkaService> {
  requireTool('kafka', 'java', 'install a JDK 17+: apt-get install -y openjdk-17-jre-headless');
  const libs = await ensureKafkaLibs();
  const [freeA, controllerPort] = await freePorts(2);
  const port = opts.port ?? freeA;
  if (opts.port !== undefined) await assertPortFree('kafka', opts.port);

  const work = makeServiceDir('kafka');
  const dataDir = path.join(work.dir, 'data');
  const propsFile = path.join(work.dir, 'server.properties');
  const log4jFile = path.join(work.dir, 'log4j2.properties');
  writeFileSync(propsFile, serverProperties(dataDir, port, controllerPort));
  writeFileSync(log4jFile, LOG4J2);
  const classpath = `${libs}/*`;
  const javaArgs = (main: string, args: string[]): string[] => [
    ...JVM_OPTS,
    `-Dlog4j2.configurationFile=${log4jFile}`,
    `-Dkafka.logs.dir=${work.dir}`,
    '-cp',
    classpath,
    main,
    ...args,
  ];

  const format = spawnSync('java', javaArgs('kafka.tools.StorageTool', ['format', '-t', randomClusterId(), '-c', propsFile]), {
    encoding: 'utf8',
  });
  if (format.status !== 0) {
    work.remove();
    const why = `${format.stderr ?? ''}${format.stdout ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    throw new DevServiceError('kafka', `formatting the KRaft log dir failed: ${why}`);
  }

  const brokers = `127.0.0.1:${port}`;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  // One JVM at a time over the same log dir and ports: down() stops it, up() starts the next one.
  const launch = async (): Promise<ServiceProcess> => {
    const proc = spawnService('java', javaArgs('kafka.Kafka', [propsFile]), { cwd: work.dir, logFile: path.join(work.dir, 'server.log') });
    try {
      await waitForPort(port, { timeoutMs: readyTimeoutMs, alive: () => !proc.exited() });
      await waitForMetadata(brokers, readyTimeoutMs, () => !proc.exited());
      return proc;
    } catch (err) {
      const tail = proc.tail(5);
      await proc.stop(5000);
      throw new DevServiceError(
        'kafka',
        `broker on ${brokers} did not become ready: ${(err as Error).message}${tail ? ` — log: ${tail.split('\n').pop()}` : ''}`,
      );
    }
  };
  const started = Date.now();
  let proc: ServiceProcess | undefined;
  try {
    proc = await launch();
  } catch (err) {
    work.remove();
    throw err;
  }
  return {
    env: { KAFKA_BROKERS: brokers },
    brokers,
    startupMs: Date.now() - started,
    async down() {
      await proc?.stop(15_000);
      proc = undefined;
    },
    async up() {
      proc ??= await launch();
    },
    async stop() {
      await proc?.stop(5000);
      proc = undefined;
      work.remove();
    },
  };
}

/** The broker answers metadata once KRaft has elected itself and registered the broker. */
async function waitForMetadata(brokers: string, timeoutMs: number, alive: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const kafka = new Kafka({ clientId: 'riskstream-dev-ready', brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 0 } });
  for (;;) {
    if (!alive()) throw new Error('the JVM exited');
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller >= 0) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    if (Date.now() > deadline) throw new Error(`no broker metadata within ${timeoutMs} ms`);
    await sleep(200);
  }
}
