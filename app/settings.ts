// Where riskstream runs and against what: resolved from defaults < config file < environment < CLI flags.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseIsoTime } from '../connectors/sources/file/time-field.ts';
import { DEFAULT_EVENT_TIME_BOUNDS } from '../engine/index.ts';
import { riskFactorsSchema } from '../pipelines/debtor-priority/risk-factors.ts';
import { reconciliationSettingsSchema } from './reconciliation-settings.ts';

const settingsSchema = z.object({
  dataDir: z.string().min(1),
  backend: z.enum(['embedded', 'kafka']),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  guarantee: z.enum(['exactly_once', 'at_least_once']),
  commitIntervalMs: z.number().int().positive(),
  /** Worker threads per pipeline in one process (Kafka Streams' num.stream.threads). */
  streamThreads: z.number().int().positive(),
  /** Event times before this (epoch ms) go to the DLQ, at the connectors and at the pipelines' inputs. */
  minEventTime: z.number({ message: 'expected epoch milliseconds or an ISO-8601 time' }).int(),
  /** Event times further ahead of the wall clock than this (ms) go to the DLQ. */
  maxEventTimeSkewMs: z.number().int().nonnegative(),
  kafka: z.object({
    brokers: z.array(z.string().min(1)),
    clientId: z.string(),
    ssl: z.boolean(),
    sasl: z
      .object({
        mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']),
        username: z.string(),
        password: z.string(),
      })
      .optional(),
  }),
  schemaRegistry: z.object({ url: z.string().optional(), username: z.string().optional(), password: z.string().optional() }),
  clickhouse: z.object({
    url: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    database: z.string().optional(),
  }),
  s3: z.object({ endpoint: z.string().optional(), bucket: z.string().optional(), region: z.string() }),
  metricsPort: z.number().int().nonnegative().optional(),
  /** The collection worklist's scoring (CONTRACTS 9); only the config file sets it. */
  scoring: z.object({ riskFactors: riskFactorsSchema.prefault({}) }).strict(),
  reconciliation: reconciliationSettingsSchema,
});

export type Settings = z.infer<typeof settingsSchema>;

/** The flags the CLI passes; each overrides its environment variable. */
export interface SettingsOverrides {
  dataDir?: string;
  backend?: string;
  config?: string;
  logLevel?: string;
}

export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

type Env = Record<string, string | undefined>;

export function resolveSettings(flags: SettingsOverrides = {}, env: Env = process.env): Settings {
  const configPath = flags.config ?? env.RISKSTREAM_CONFIG;
  const file = configPath ? readConfigFile(configPath) : {};
  if (configPath) refuseUnknownKeys(configPath, file);
  const fromFile = (key: string): unknown => file[key];
  const saslMechanism = env.KAFKA_SASL_MECHANISM ?? (fromFile('kafka') as { sasl?: { mechanism?: string } } | undefined)?.sasl?.mechanism;
  const fileKafka = (fromFile('kafka') ?? {}) as Record<string, unknown>;
  const candidate = {
    dataDir: resolve(flags.dataDir ?? env.RISKSTREAM_DATA_DIR ?? (fromFile('dataDir') as string | undefined) ?? './.riskstream'),
    backend: flags.backend ?? env.RISKSTREAM_BACKEND ?? fromFile('backend') ?? 'embedded',
    logLevel: flags.logLevel ?? env.RISKSTREAM_LOG_LEVEL ?? fromFile('logLevel') ?? 'info',
    guarantee: env.RISKSTREAM_GUARANTEE ?? fromFile('guarantee') ?? 'exactly_once',
    commitIntervalMs: numberOr(env.RISKSTREAM_COMMIT_INTERVAL_MS, fromFile('commitIntervalMs'), 100),
    streamThreads: numberOr(env.RISKSTREAM_STREAM_THREADS, fromFile('streamThreads'), 1),
    minEventTime: timeOr(env.RISKSTREAM_MIN_EVENT_TIME, fromFile('minEventTime'), DEFAULT_EVENT_TIME_BOUNDS.minEventTime),
    maxEventTimeSkewMs: numberOr(
      env.RISKSTREAM_MAX_EVENT_TIME_SKEW_MS,
      fromFile('maxEventTimeSkewMs'),
      DEFAULT_EVENT_TIME_BOUNDS.maxEventTimeSkewMs,
    ),
    kafka: {
      brokers: splitList(env.KAFKA_BROKERS) ?? (fileKafka.brokers as string[] | undefined) ?? [],
      clientId: env.KAFKA_CLIENT_ID ?? (fileKafka.clientId as string | undefined) ?? 'riskstream',
      ssl: (env.KAFKA_SSL ?? String(fileKafka.ssl ?? 'false')) === 'true',
      sasl: saslMechanism
        ? {
            mechanism: saslMechanism.toLowerCase(),
            username: env.KAFKA_SASL_USERNAME ?? (fileKafka.sasl as { username?: string } | undefined)?.username ?? '',
            password: env.KAFKA_SASL_PASSWORD ?? (fileKafka.sasl as { password?: string } | undefined)?.password ?? '',
          }
        : undefined,
    },
    schemaRegistry: {
      url: env.SCHEMA_REGISTRY_URL ?? sub(file, 'schemaRegistry', 'url'),
      username: env.SCHEMA_REGISTRY_USERNAME ?? sub(file, 'schemaRegistry', 'username'),
      password: env.SCHEMA_REGISTRY_PASSWORD ?? sub(file, 'schemaRegistry', 'password'),
    },
    clickhouse: {
      url: env.CLICKHOUSE_URL ?? sub(file, 'clickhouse', 'url'),
      username: env.CLICKHOUSE_USER ?? sub(file, 'clickhouse', 'username'),
      password: env.CLICKHOUSE_PASSWORD ?? sub(file, 'clickhouse', 'password'),
      database: env.CLICKHOUSE_DATABASE ?? sub(file, 'clickhouse', 'database'),
    },
    s3: {
      endpoint: env.S3_ENDPOINT ?? sub(file, 's3', 'endpoint'),
      bucket: env.S3_BUCKET ?? sub(file, 's3', 'bucket'),
      region: env.AWS_REGION ?? sub(file, 's3', 'region') ?? 'us-east-1',
    },
    metricsPort: numberOr(env.RISKSTREAM_METRICS_PORT, fromFile('metricsPort'), undefined),
    scoring: fromFile('scoring') ?? {},
    reconciliation: fromFile('reconciliation') ?? {},
  };
  const parsed = settingsSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SettingsError(`invalid setting ${issue.path.join('.')}: ${issue.message}`);
  }
  const settings = parsed.data;
  if (settings.backend === 'kafka') requireKafkaSettings(settings);
  return settings;
}

/** A mistyped key would otherwise be ignored without a word, its setting left at the default. */
function refuseUnknownKeys(path: string, file: Record<string, unknown>): void {
  const known = Object.keys(settingsSchema.shape);
  const unknown = Object.keys(file).find((key) => !known.includes(key));
  if (unknown !== undefined) throw new SettingsError(`config file ${path}: unknown setting '${unknown}' (settings: ${known.join(', ')})`);
}

function requireKafkaSettings(s: Settings): void {
  const missing: string[] = [];
  if (s.kafka.brokers.length === 0) missing.push('KAFKA_BROKERS');
  if (!s.schemaRegistry.url) missing.push('SCHEMA_REGISTRY_URL');
  if (missing.length > 0) throw new SettingsError(`--backend kafka needs ${missing.join(' and ')} (environment or config file)`);
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SettingsError(`cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const value: unknown = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a mapping at the top level');
    return value as Record<string, unknown>;
  } catch (err) {
    throw new SettingsError(`config file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
}

/** The YAML parser, loaded only for a YAML config file: every command would pay for it at start-up. */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text);
}

function sub(file: Record<string, unknown>, section: string, key: string): string | undefined {
  const value = (file[section] as Record<string, unknown> | undefined)?.[key];
  return value === undefined ? undefined : String(value);
}

function splitList(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Epoch ms, or an ISO-8601 time; anything else is left for the schema to refuse. */
function timeOr(envValue: string | undefined, fileValue: unknown, fallback: number): unknown {
  const raw = envValue ?? fileValue;
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw === 'number') return raw;
  const text = String(raw).trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  const ms = parseIsoTime(text);
  return Number.isNaN(ms) ? raw : ms;
}

function numberOr<T extends number | undefined>(envValue: string | undefined, fileValue: unknown, fallback: T): number | T {
  const raw = envValue ?? fileValue;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  return Number.isFinite(n) ? n : (raw as number);
}
