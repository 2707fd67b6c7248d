// The worklist a run left behind, read the way a restore reads it: each partition's `worklist`
// changelog restored into its own store (a debtor that moved between tasks is in the changelogs of
// both, unlisted in the old one), then the rows of all of them in worklist order, so a test sees the
// heaps of all tasks at once without a running application.
import { changelogTopicOf, readTopic, type Backend } from '../../../engine/index.ts';
import type { WorklistFilter, WorklistRow } from '../worklist-heap.ts';
import { compareWorklistRows } from '../worklist-query.ts';
import { DebtorWorklistStore } from '../debtor-worklist-store.ts';
import { WORKLIST_STORE } from '../worklist-store.ts';

export async function worklistOfChangelog(backend: Backend, applicationId: string, filter?: WorklistFilter): Promise<WorklistRow[]> {
  const stores = new Map<number, DebtorWorklistStore>();
  for (const r of await readTopic(backend, changelogTopicOf(applicationId, WORKLIST_STORE))) {
    let store = stores.get(r.partition);
    if (store === undefined) stores.set(r.partition, (store = new DebtorWorklistStore(WORKLIST_STORE)));
    store.restore(r.key!, r.value);
  }
  return [...stores.values()].flatMap((s) => s.top(s.worklistSize(), filter)).sort(compareWorklistRows);
}
