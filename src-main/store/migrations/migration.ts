/** One numbered, append-only schema step. Never edit a released migration: add the next one. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL run inside the migration's transaction. */
  readonly up: string;
}
