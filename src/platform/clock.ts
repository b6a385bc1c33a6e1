/** A source of the current time, replaceable so tests can fix it. */
export interface Clock {
  /** The current instant. */
  now(): Date;
}

/** The wall clock of the machine. */
export const systemClock: Clock = {
  now: () => new Date(),
};
