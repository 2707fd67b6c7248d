// A String column declared LowCardinality(String) in the block, for table columns of that type:
// converting a plain String column to a dictionary is a noticeable part of the engine's insert work,
// and building the dictionary here costs one Map lookup per value.
//
// Layout, as the engine itself writes it (SerializationLowCardinality, no shared global dictionary):
//   UInt64 keys version = 1
//   UInt64 index type (0: UInt8, 1: UInt16, 2: UInt32) | HAS_ADDITIONAL_KEYS | NEED_UPDATE_DICTIONARY
//   UInt64 key count, then the keys as a String column ('' first, the type's default, as the engine does)
//   UInt64 row count, then each row's key index, little-endian, in the index type's width
import type { NativeBuffer } from './native-buffer.ts';
import { mismatch, type ColumnCodec } from './native-columns.ts';

const SHARED_DICTIONARIES_WITH_ADDITIONAL_KEYS = 1;
const HAS_ADDITIONAL_KEYS = 1 << 9;
const NEED_UPDATE_DICTIONARY = 1 << 10;

export const lowCardinalityStringCodec: ColumnCodec = {
  type: 'LowCardinality(String)',
  placeholder: '',
  write(out: NativeBuffer, values: readonly unknown[], path: string) {
    const keys: string[] = [''];
    const indexOf = new Map<string, number>([['', 0]]);
    const indexes = new Uint32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string') throw mismatch(path, i, 'a string', v);
      let index = indexOf.get(v);
      if (index === undefined) {
        index = keys.length;
        keys.push(v);
        indexOf.set(v, index);
      }
      indexes[i] = index;
    }
    const indexType = keys.length <= 0x100 ? 0 : keys.length <= 0x1_0000 ? 1 : 2;

    out.reserve(24);
    out.int64(SHARED_DICTIONARIES_WITH_ADDITIONAL_KEYS);
    out.int64(indexType | HAS_ADDITIONAL_KEYS | NEED_UPDATE_DICTIONARY);
    out.int64(keys.length);
    for (const key of keys) out.string(key);
    out.reserve(8 + (1 << indexType) * indexes.length);
    out.int64(indexes.length);
    if (indexType === 0) for (const index of indexes) out.uint8(index);
    else if (indexType === 1) for (const index of indexes) out.uint16(index);
    else for (const index of indexes) out.uint32(index);
  },
};
