// `riskstream worklist`: the top N debtors of the collection worklist (CONTRACTS §9), from the
// worklist store of debtor-priority. While `run` runs, every process running the pipeline answers its
// tasks' top N and the answers merge (state-queries.ts); when none runs, the checkpointed state
// answers. Rows carry the debtor's fields as the store keeps them: the collection-priorities output
// fields without event_id and event_time (those belong to each output record, not to the debtor).
import { StoreQueryError, type Backend, type CustomQuery } from '../engine/index.ts';
import { WORKLIST_STORE } from '../pipelines/debtor-priority/worklist-store.ts';
import type { WorklistRow } from '../pipelines/debtor-priority/worklist-heap.ts';
import { mergeWorklistAnswers, type WorklistTopQuery } from '../pipelines/debtor-priority/worklist-query.ts';
import { formatRows } from '../warehouse/format-rows.ts';
import type { QueryFormat, WarehouseRow } from '../warehouse/warehouse.ts';
import { PIPELINES, type PipelineDefinition } from './catalog.ts';
import type { Settings } from './settings.ts';
import { locateStore, nonEmptyState, queryCheckpointedState, queryLiveState, type Located } from './state-queries.ts';

export const WORKLIST_PIPELINE = 'debtor-priority';
export const DEFAULT_WORKLIST_TOP = 50;

/** The columns `riskstream worklist` prints, in the order of the collection-priorities fields. */
export const WORKLIST_COLUMNS = [
  'tenant_id',
  'debtor_id',
  'customer_id',
  'partner_id',
  'debt_amount_cents',
  'days_past_due',
  'status',
  'default_probability',
  'priority_score',
  'on_worklist',
] as const satisfies readonly (keyof WorklistRow)[];

export interface WorklistOptions {
  /** How many debtors (default 50). */
  top?: number;
  partner?: string;
  tenant?: string;
}

export interface WorklistAnswer {
  /** Best first: priority_score descending, debtor_id ascending on ties. */
  rows: WorklistRow[];
  source: 'live' | 'checkpointed';
  /** Partitions the answer covers. */
  partitions: number[];
}

export async function queryWorklist(
  settings: Settings,
  options: WorklistOptions = {},
  pipelines: readonly PipelineDefinition[] = Object.values(PIPELINES),
  openLog?: () => Promise<Backend>,
): Promise<WorklistAnswer> {
  const n = options.top ?? DEFAULT_WORKLIST_TOP;
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`--top must be a positive integer, got '${n}'`);
  const q: WorklistTopQuery & CustomQuery = { type: 'top', n };
  // Absent, not undefined: the query travels as JSON.
  if (options.partner !== undefined) q.partner = options.partner;
  if (options.tenant !== undefined) q.tenant = options.tenant;
  // The merge is the store's own, known here: a live answer needs no pipeline definition.
  let answer = await queryLiveState(settings, WORKLIST_STORE, q, mergeWorklistAnswers);
  if (answer === undefined) {
    let located: Located;
    try {
      located = locateStore(WORKLIST_STORE, pipelines);
    } catch (err) {
      if (err instanceof StoreQueryError)
        throw new Error(`no pipeline of this build keeps the worklist (store '${WORKLIST_STORE}' of ${WORKLIST_PIPELINE})`, { cause: err });
      throw err;
    }
    answer = await queryCheckpointedState(settings, WORKLIST_STORE, q, located, openLog);
  }
  nonEmptyState(answer, WORKLIST_PIPELINE);
  return { rows: answer.rows.map((r) => r.value as WorklistRow), source: answer.source, partitions: answer.partitions };
}

/** Decimal places of the table's doubles (as the demo shows them); json and csv keep full precision. */
export const WORKLIST_TABLE_DECIMALS = { default_probability: 3, priority_score: 2 } as const;

function rounded(value: number, places: number): number {
  const scale = 10 ** places;
  return Math.round(value * scale) / scale;
}

/** Rows as `--format` prints them (json: one object per line). */
export function formatWorklist(rows: readonly WorklistRow[], format: QueryFormat): string {
  const shown =
    format === 'table'
      ? rows.map((r) => ({
          ...r,
          default_probability:
            r.default_probability === null ? null : rounded(r.default_probability, WORKLIST_TABLE_DECIMALS.default_probability),
          priority_score: rounded(r.priority_score, WORKLIST_TABLE_DECIMALS.priority_score),
        }))
      : rows;
  return formatRows(shown as unknown as WarehouseRow[], format, [...WORKLIST_COLUMNS]);
}
