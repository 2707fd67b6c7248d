// Test fixture: a process that owns an embedded warehouse (like `riskstream run`), inserts a few rows,
// serves queries, prints "ready", and closes cleanly on SIGTERM.
import { ChdbWarehouse } from '../chdb-warehouse.ts';
import { startWarehouseQueryServer } from '../query-server.ts';

const dataDir = process.argv[2];
const wh = await ChdbWarehouse.open(dataDir);
await wh.insert('partner_records', [
  {
    event_id: 'p-1',
    tenant_id: 't',
    event_time: '2024-01-01 00:00:00.000',
    partner_id: 'P',
    debtor_id: 'd-1',
    reported_balance_cents: 500,
    reported_status: 'OPEN',
  },
]);
const server = await startWarehouseQueryServer(wh, dataDir);
process.on('SIGTERM', () => {
  void server
    .close()
    .then(() => wh.close())
    .then(() => process.exit(0));
});
process.stdout.write('ready\n');
setInterval(() => undefined, 1 << 30);
