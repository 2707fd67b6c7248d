// The part of parquetjs-lite (plain JS, no bundled types) the lake sink uses.
declare module 'parquetjs-lite' {
  export interface ParquetFieldDefinition {
    type?: string;
    optional?: boolean;
    repeated?: boolean;
    compression?: string;
    statistics?: boolean;
    fields?: Record<string, ParquetFieldDefinition>;
  }

  export interface ParquetField {
    name: string;
    path: string[];
    repetitionType: 'REQUIRED' | 'OPTIONAL' | 'REPEATED';
    rLevelMax: number;
    dLevelMax: number;
    isNested?: boolean;
    primitiveType?: string;
    originalType?: string;
    fields?: Record<string, ParquetField>;
  }

  export class ParquetSchema {
    constructor(definition: Record<string, ParquetFieldDefinition>);
    fields: Record<string, ParquetField>;
    fieldList: ParquetField[];
  }

  export interface ParquetWriterOptions {
    rowGroupSize?: number;
    pageSize?: number;
    useDataPageV2?: boolean;
    pageIndex?: boolean;
  }

  export class ParquetEnvelopeWriter {
    constructor(
      schema: ParquetSchema,
      writeFn: (buf: Buffer) => Promise<void>,
      closeFn: () => Promise<void>,
      fileOffset: number,
      opts: ParquetWriterOptions,
    );
  }

  export class ParquetWriter {
    constructor(schema: ParquetSchema, envelopeWriter: ParquetEnvelopeWriter, opts: ParquetWriterOptions);
    rowBuffer: unknown;
    appendRow(row: Record<string, unknown>): Promise<void>;
    close(): Promise<void>;
  }

  export class ParquetReader {
    static openFile(path: string): Promise<ParquetReader>;
    getCursor(): { next(): Promise<Record<string, unknown> | null> };
    getRowCount(): number;
    close(): Promise<void>;
  }

  const parquet: {
    ParquetSchema: typeof ParquetSchema;
    ParquetWriter: typeof ParquetWriter;
    ParquetEnvelopeWriter: typeof ParquetEnvelopeWriter;
    ParquetReader: typeof ParquetReader;
  };
  export default parquet;
}
