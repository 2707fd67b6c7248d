// A canonical, readable form of store contents, so two runs' states compare equal when they hold the
// same values (v8 serialisation bytes may differ for equal values, e.g. in array element kinds).
import { deserialize } from 'node:v8';

function canonical(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    try {
      return canonical(deserialize(Buffer.from(value)));
    } catch {
      return Buffer.from(value).toString('base64');
    }
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** Sorted "task|store|key|value" lines with values decoded to JSON. */
export function canonicalState(entries: { task: string; store: string; key: Buffer; value: Buffer | null }[]): string[] {
  return entries.map((e) => `${e.task}|${e.store}|${e.key.toString('utf8')}|${JSON.stringify(canonical(e.value))}`).sort();
}
