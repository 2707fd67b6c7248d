// The row transforms the sinks apply before writing: the warehouse and the lake store a transaction's
// assigned category — its own when it names one of the seven, else the categorizer's.
import type { Transaction } from '../../schemas/types.ts';
import { categorize } from '../categorizer/categorizer.ts';
import type { RowTransforms } from './sink.ts';

export const SINK_TRANSFORMS: RowTransforms = {
  transactions: (row) => ({ ...row, category: categorize(row as unknown as Transaction) }),
};
