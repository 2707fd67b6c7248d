// A CSV file with a header as a table of strings, for training data. Records and cells are split by
// the file connector's RFC 4180 reader (quoted cells, doubled quotes, line breaks inside quotes).
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import readline from 'node:readline';
import { csvRecords, splitCsvRecord } from '../connectors/sources/file/csv.ts';

export interface CsvTable {
  header: string[];
  rows: string[][];
}

export async function readCsvTable(file: string): Promise<CsvTable> {
  try {
    await access(file);
  } catch {
    throw new Error(`${file}: no such file`);
  }
  const lines = readline.createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let header: string[] | undefined;
  const rows: string[][] = [];
  for await (const rec of csvRecords(lines)) {
    const where = `${file}:${rec.lineNo}`;
    if ('error' in rec) throw new Error(`${where}: ${rec.error.message}`);
    if (rec.raw.trim() === '') continue;
    let cells: string[];
    try {
      cells = splitCsvRecord(header ? rec.raw : rec.raw.replace(/^\uFEFF/, ''));
    } catch (err) {
      throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
    }
    if (!header) {
      header = cells.map((c) => c.trim());
      const dup = header.find((h, i) => header!.indexOf(h) !== i);
      if (dup !== undefined) throw new Error(`${where}: column '${dup}' appears twice in the header`);
      continue;
    }
    if (cells.length !== header.length) throw new Error(`${where}: ${cells.length} cells, the header has ${header.length}`);
    rows.push(cells);
  }
  if (!header) throw new Error(`${file}: empty file, a header line is needed`);
  return { header, rows };
}
