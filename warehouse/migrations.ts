// Numbered SQL migrations (warehouse/migrations/NNNN_name.sql), applied in order and recorded in
// `riskstream_migrations`. Every statement is idempotent (IF NOT EXISTS), so two processes migrating
// at once, or a crash between a statement and its record, leave the same schema behind.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MigrationError } from './errors.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
export const MIGRATIONS_TABLE = 'riskstream_migrations';

export interface Migration {
  version: number;
  /** File name without .sql, e.g. 0002_transactions. */
  name: string;
  statements: string[];
}

/** What the runner needs from an engine: run one statement, return rows as JSON objects. */
export interface SqlExecutor {
  exec(sql: string): Promise<void>;
  select<T>(sql: string): Promise<T[]>;
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort();
  const migrations = files.map((file) => ({
    version: Number(file.slice(0, 4)),
    name: file.replace(/\.sql$/, ''),
    statements: splitStatements(readFileSync(`${dir}${file}`, 'utf8')),
  }));
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new MigrationError(migrations[i].name, `version ${migrations[i].version} is used twice`);
    }
  }
  return migrations;
}

/** Splits a file into statements at `;` ending a line; `--` comment lines are dropped. */
export function splitStatements(sql: string): string[] {
  const withoutComments = sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n');
  return withoutComments
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE}
(
    version UInt32,
    name String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY version`;

export async function runMigrations(db: SqlExecutor, migrations: Migration[] = loadMigrations()): Promise<string[]> {
  await db.exec(CREATE_MIGRATIONS_TABLE);
  const done = new Set(
    (await db.select<{ version: number }>(`SELECT DISTINCT version FROM ${MIGRATIONS_TABLE}`)).map((r) => Number(r.version)),
  );
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.version)) continue;
    for (const statement of m.statements) {
      try {
        await db.exec(statement);
      } catch (err) {
        throw new MigrationError(m.name, (err as Error).message);
      }
    }
    await db.exec(`INSERT INTO ${MIGRATIONS_TABLE} (version, name) VALUES (${m.version}, '${m.name}')`);
    applied.push(m.name);
  }
  return applied;
}
