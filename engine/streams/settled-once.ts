// A promise and the function that settles it, for "tell me when this happens" (Promise.withResolvers,
// which Node 20 lacks).
export function settledOnce<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
