// The worklist a run left behind, read the way a restore reads it: every partition's `worklist`
// changelog applied to one heap (the tasks' debtors are disjoint), so a test sees the heaps of all
// tasks at once without a running application.
import { changelogTopicOf, readTopic, type Backend } from '../../../engine/index.ts';
import type { WorklistFilter, WorklistRow } from '../worklist-heap.ts';
import { WorklistStore } from '../worklist-store.ts';
import { WORKLIST_STORE } from '../worklist-store.ts';

export async function worklistOfChangelog(backend: Backend, applicationId: string, filter?: WorklistFilter): Promise<WorklistRow[]> {
  const store = new WorklistStore(WORKLIST_STORE);
  for (const r of await readTopic(backend, changelogTopicOf(applicationId, WORKLIST_STORE))) store.restore(r.key!, r.value);
  return store.top(store.size(), filter);
}
