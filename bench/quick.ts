/**
 * Quick mode (BENCH_QUICK=1 or --quick): each bench at its smallest, for the test that runs every
 * bench to check it prints its table and exits by itself. Its numbers mean nothing.
 */
export const QUICK = process.env.BENCH_QUICK === "1" || process.argv.includes("--quick");

/** A bench's size: the environment variable when set, else the quick or the full default. */
export function size(env: string, full: number, quick: number): number {
  const value = process.env[env];
  return value === undefined || value === "" ? (QUICK ? quick : full) : Number(value);
}
