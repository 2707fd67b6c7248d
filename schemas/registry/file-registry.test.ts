// The file-backed registry: Confluent's id/version model, persisted, and safe when several processes register at once.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_TOPICS, avroSchemaOf, subjectOf } from '../topics.ts';
import { FileSchemaRegistry } from './file-registry.ts';
import { SchemaIncompatibleError, SchemaNotFoundError } from './registry-client.ts';
import { InvalidSchemaError, SubjectNotFoundError } from './registry-errors.ts';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'file-registry-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const simple = (fields: { name: string; type: unknown; default?: unknown }[]) => ({ type: 'record', name: 'S', fields });

describe('FileSchemaRegistry', () => {
  it('gives global ids, versions per subject, the same id for the same schema', async () => {
    const registry = new FileSchemaRegistry(freshDir());
    const a1 = simple([{ name: 'x', type: 'long' }]);
    const id1 = await registry.register('a-value', a1);
    expect(await registry.register('a-value', { fields: a1.fields, name: 'S', type: 'record' })).toBe(id1); // key order does not matter
    expect(await registry.register('b-value', a1)).toBe(id1); // same schema, other subject: same global id
    const id2 = await registry.register(
      'a-value',
      simple([
        { name: 'x', type: 'long' },
        { name: 'y', type: 'int', default: 0 },
      ]),
    );
    expect(id2).toBe(id1 + 1);
    expect(await registry.versions('a-value')).toEqual([1, 2]);
    expect(await registry.versions('b-value')).toEqual([1]);
    expect((await registry.latest('a-value'))?.version).toBe(2);
    expect(await registry.subjects()).toEqual(['a-value', 'b-value']);
    expect(await registry.schemaById(id1)).toEqual(a1);
  });

  it('persists across instances and refuses incompatible or invalid schemas', async () => {
    const dir = freshDir();
    await new FileSchemaRegistry(dir).register('a-value', simple([{ name: 'x', type: 'long' }]));
    const reopened = new FileSchemaRegistry(dir);
    expect((await reopened.latest('a-value'))?.schema).toEqual(simple([{ name: 'x', type: 'long' }]));
    await expect(
      reopened.register(
        'a-value',
        simple([
          { name: 'x', type: 'long' },
          { name: 'foo', type: 'string' },
        ]),
      ),
    ).rejects.toThrow(SchemaIncompatibleError);
    await expect(reopened.registerVersion('a-value', '{"type":"record","name":"S"}')).rejects.toThrow(InvalidSchemaError);
    await expect(reopened.schemaById(42)).rejects.toThrow(SchemaNotFoundError);
    await expect(reopened.versions('nope')).rejects.toThrow(SubjectNotFoundError);
    expect(await reopened.versions('a-value')).toEqual([1]);
  });

  it('deletes softly (numbering continues) and permanently', async () => {
    const registry = new FileSchemaRegistry(freshDir());
    await registry.register('a-value', simple([{ name: 'x', type: 'long' }]));
    expect(await registry.deleteSubject('a-value')).toEqual([1]);
    expect(await registry.subjects()).toEqual([]);
    await registry.register('a-value', simple([{ name: 'x', type: 'string' }])); // nothing live to be compatible with
    expect(await registry.versions('a-value')).toEqual([2]);
    expect(await registry.deleteSubject('a-value', true)).toEqual([1, 2]);
    await expect(registry.versions('a-value')).rejects.toThrow(SubjectNotFoundError);
  });

  it('keeps ids unique when several processes register at once', async () => {
    const dir = freshDir();
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = `
      import { FileSchemaRegistry } from ${JSON.stringify(path.join(here, 'file-registry.ts'))};
      import { ALL_TOPICS, avroSchemaOf, subjectOf } from ${JSON.stringify(path.join(here, '..', 'topics.ts'))};
      const registry = new FileSchemaRegistry(process.argv[1]);
      const ids = [];
      for (const topic of ALL_TOPICS) ids.push(await registry.register(subjectOf(topic), avroSchemaOf(topic)));
      console.log(JSON.stringify(ids));`;
    const run = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], {
        cwd: path.join(here, '..', '..'),
      });
    const outputs = await Promise.all([run(), run(), run()]);
    const idLists = outputs.map((o) => JSON.parse(o.stdout) as number[]);
    // Every process sees the same id per subject, and the ids are 1..N in some order.
    expect(idLists[1]).toEqual(idLists[0]);
    expect(idLists[2]).toEqual(idLists[0]);
    expect([...idLists[0]].sort((a, b) => a - b)).toEqual(ALL_TOPICS.map((_, i) => i + 1));
    const registry = new FileSchemaRegistry(dir);
    expect(await registry.subjects()).toEqual(ALL_TOPICS.map(subjectOf).sort());
    for (const topic of ALL_TOPICS) expect((await registry.latest(subjectOf(topic)))?.version).toBe(1);
    for (const [i, topic] of ALL_TOPICS.entries()) expect(await registry.schemaById(idLists[0][i])).toEqual(avroSchemaOf(topic));
  });
});
