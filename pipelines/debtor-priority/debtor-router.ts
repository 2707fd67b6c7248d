// The first step of debtor-priority, in the task of a debtor's partition: it remembers each debtor's
// placement (its customer and generation, see output-order.ts) and sends the debtor's latest record to
// its customer's task, and, when the debtor moved to another customer or was deleted (a tombstone),
// tells the old customer's task its generation there ended. A move, or a record after a deletion,
// starts the next generation at the new customer. A deleted debtor's placement stays (customer
// null), so that a re-created debtor's generations keep counting up.
import type { KeyValueStore, Processor, ProcessorContext, Serde } from '../../engine/index.ts';
import type { CustomerInput, WorklistDebtor } from './customer-input.ts';

export const DEBTOR_PLACEMENT_STORE = 'debtor-placements';

/** Where a debtor's records go: its customer (null once deleted) and its generation there. */
export interface DebtorPlacement {
  customer_id: string | null;
  generation: number;
}

/** Changelog value: generation (u32 LE), then the customer_id's UTF-8, absent when deleted (4 bytes in all). */
export const debtorPlacementSerde: Serde<DebtorPlacement> = {
  serialize(p) {
    const buf = Buffer.allocUnsafe(4 + (p.customer_id === null ? 0 : Buffer.byteLength(p.customer_id, 'utf8')));
    buf.writeUInt32LE(p.generation, 0);
    if (p.customer_id !== null) buf.write(p.customer_id, 4, 'utf8');
    return buf;
  },
  deserialize(buf) {
    const b = buf!;
    return { generation: b.readUInt32LE(0), customer_id: b.length === 4 ? null : b.toString('utf8', 4) };
  },
};

export class DebtorRouter implements Processor<string, WorklistDebtor | null, string, CustomerInput> {
  private ctx!: ProcessorContext<string, CustomerInput>;
  private placements!: KeyValueStore<DebtorPlacement>;

  init(ctx: ProcessorContext<string, CustomerInput>): void {
    this.ctx = ctx;
    this.placements = ctx.getStateStore(DEBTOR_PLACEMENT_STORE);
  }

  process(debtorId: string, debtor: WorklistDebtor | null, timestamp: number): void {
    const previous = this.placements.get(debtorId);
    const customer = previous?.customer_id ?? null;
    if (debtor === null) {
      if (previous === undefined || customer === null) return;
      this.placements.put(debtorId, { customer_id: null, generation: previous.generation });
      this.ctx.forward(customer, { kind: 'left', debtorId, generation: previous.generation, deleted: true }, timestamp);
      return;
    }
    let generation: number;
    if (previous !== undefined && customer === debtor.customer_id) generation = previous.generation;
    else {
      // Written only on a change: most records keep the customer, and cost no changelog entry.
      generation = (previous?.generation ?? 0) + 1;
      this.placements.put(debtorId, { customer_id: debtor.customer_id, generation });
      if (customer !== null)
        this.ctx.forward(customer, { kind: 'left', debtorId, generation: previous!.generation, deleted: false }, timestamp);
    }
    // Stream time: at least the time of every debtor record this task routed so far, to any customer.
    this.ctx.forward(debtor.customer_id, { kind: 'debtor', debtor, generation, since: this.ctx.streamTime }, timestamp);
  }
}
