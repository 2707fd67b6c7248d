// What a topology says it reads: a stream over a topic that holds a table's updates (readAsTable) is
// listed with the table topics, which a replay re-reads from the beginning.
import { describe, expect, it } from 'vitest';
import { jsonSerde } from '../serdes/serde.ts';
import { StreamsBuilder } from './streams-builder.ts';

describe('StreamsBuilder topics', () => {
  it('lists a stream read as a table among the table topics, not the streams', () => {
    const b = new StreamsBuilder();
    const events = b.stream('events', { valueSerde: jsonSerde<number>() });
    const latest = b.stream(['accounts', 'limits'], { valueSerde: jsonSerde<number>(), readAsTable: true });
    events.merge(latest).to('out', { valueSerde: jsonSerde<number>() });
    const topology = b.build();
    expect(topology.streamTopics()).toEqual(['events']);
    expect([...topology.tableTopics]).toEqual(['accounts', 'limits']);
  });
});
