import type { Command } from 'commander';
import { print, withEnvironment } from '../session.ts';

export default async function warehouseMigrate(program: Command): Promise<void> {
  await withEnvironment(program, async (env) => {
    const warehouse = await env.openWarehouse({ autoMigrate: false });
    try {
      const applied = await warehouse.migrate();
      print(applied.length === 0 ? 'warehouse is up to date' : applied.map((m) => `applied ${m}`).join('\n'));
    } finally {
      await warehouse.close();
    }
  });
}
