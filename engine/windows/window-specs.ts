// Window definitions for grouped aggregations. All windows are aligned to the Unix epoch (UTC):
// a hopping window starts at a multiple of its advance.

export class WindowSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WindowSpecError';
  }
}

/** A window result's key: the grouping key plus the window's bounds [start, end). */
export interface Windowed<K> {
  key: K;
  start: number;
  end: number;
}

/** Tumbling (advance = size) or hopping (advance < size, size a multiple of advance). */
export class TimeWindows {
  private constructor(
    readonly sizeMs: number,
    readonly advanceMs: number,
    readonly graceMs: number,
  ) {}

  static tumbling(sizeMs: number): TimeWindows {
    return TimeWindows.create(sizeMs, sizeMs, 0);
  }

  static hopping(sizeMs: number, advanceMs: number): TimeWindows {
    return TimeWindows.create(sizeMs, advanceMs, 0);
  }

  grace(graceMs: number): TimeWindows {
    return TimeWindows.create(this.sizeMs, this.advanceMs, graceMs);
  }

  private static create(size: number, advance: number, grace: number): TimeWindows {
    if (!(Number.isInteger(size) && size > 0)) throw new WindowSpecError(`window size must be a positive integer of ms, got ${size}`);
    if (!(Number.isInteger(advance) && advance > 0 && advance <= size))
      throw new WindowSpecError(`window advance must be in (0, size], got ${advance}`);
    if (size % advance !== 0)
      throw new WindowSpecError(
        `window size ${size} must be a multiple of its advance ${advance} (windows are built from slices of the advance)`,
      );
    if (!(Number.isInteger(grace) && grace >= 0)) throw new WindowSpecError(`grace must be a non-negative integer of ms, got ${grace}`);
    return new TimeWindows(size, advance, grace);
  }
}

/**
 * Session windows: records of a key closer than `gapMs` to each other share a session. A session
 * [start, end] (end = time of its last record) closes at stream time >= end + gap + grace.
 */
export class SessionWindows {
  private constructor(
    readonly gapMs: number,
    readonly graceMs: number,
  ) {}

  static withInactivityGap(gapMs: number): SessionWindows {
    if (!(Number.isInteger(gapMs) && gapMs > 0)) throw new WindowSpecError(`session gap must be a positive integer of ms, got ${gapMs}`);
    return new SessionWindows(gapMs, 0);
  }

  grace(graceMs: number): SessionWindows {
    if (!(Number.isInteger(graceMs) && graceMs >= 0))
      throw new WindowSpecError(`grace must be a non-negative integer of ms, got ${graceMs}`);
    return new SessionWindows(this.gapMs, graceMs);
  }
}

/**
 * The aggregate API. `add` and `merge` may mutate and return their first argument; they must not
 * mutate the second. `merge` must be associative with `init()` as identity: windows and sessions
 * are combined from partial aggregates.
 */
export interface Aggregator<K, V, A> {
  init(): A;
  add(agg: A, value: V, key: K): A;
  merge(a: A, b: A): A;
}

/** `final`: one result per window when it closes (suppress untilWindowCloses); `update`: every change. */
export type EmitMode = 'final' | 'update';
