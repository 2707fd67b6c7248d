// A handle on a versioned table declared with StreamsBuilder.versionedTable(): what joins need.
export class VersionedTable<V> {
  /** Phantom field so VersionedTable<A> and VersionedTable<B> stay distinct types. */
  declare readonly valueType: V;
  constructor(
    readonly storeName: string,
    readonly materializerNode: string,
  ) {}
}
