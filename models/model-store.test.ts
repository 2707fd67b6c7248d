import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { LocalLakeStore } from '../connectors/sinks/lake-store.ts';
import { storeRoundtrip } from './testing/store-roundtrip.ts';

it('stores, lists, promotes and loads models in a local directory', async () => {
  await storeRoundtrip(new LocalLakeStore(mkdtempSync(join(tmpdir(), 'models-store-'))));
});
