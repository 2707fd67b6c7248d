// The warehouse module's public surface.
export type { QueryFormat, QueryOptions, Warehouse, WarehouseRow } from './warehouse.ts';
export { ChdbWarehouse, warehouseDirOf } from './chdb-warehouse.ts';
export { currentOwner } from './owner-lock.ts';
export { ServerWarehouse, isRetriableServerError, type ServerWarehouseOptions } from './server-warehouse.ts';
export { openWarehouse, serverOptionsFromEnv, type WarehouseTarget } from './open-warehouse.ts';
export { startWarehouseQueryServer, queryWarehouse, type WarehouseQueryServer } from './query-server.ts';
export { warehouseRowConverter, formatDateTime64, type RowConverter } from './rows.ts';
export { loadMigrations, runMigrations, MIGRATIONS_TABLE } from './migrations.ts';
export { WarehouseError, WarehouseReadOnlyError, WarehouseBusyError, MigrationError } from './errors.ts';
