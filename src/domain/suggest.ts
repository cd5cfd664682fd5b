/**
 * "Did you mean …?" for a mistyped name: the closest candidate by edit distance, or a candidate
 * the input is the start of (`prod` → `production`). Case is ignored.
 */

/** Optimal string alignment distance: Levenshtein plus swapping two neighbours (`stagign`). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const cols = b.length + 1;
  // Three rolling rows are enough: a transposition looks two rows back.
  let prev2 = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  let row = new Array<number>(cols).fill(0);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, prev2[j - 2]! + 1);
      }
      row[j] = best;
    }
    [prev2, prev, row] = [prev, row, prev2];
  }
  return prev[b.length]!;
}

/** How many edits still count as a typo rather than a different word. */
function threshold(input: string): number {
  return Math.max(2, Math.floor(input.length / 3));
}

// A prefix match ranks between an exact match (0) and a one-letter typo (1).
const PREFIX_SCORE = 0.5;
const MIN_PREFIX_LENGTH = 2;

function score(input: string, candidate: string): number | undefined {
  if (input === candidate) return 0;
  if (input.length >= MIN_PREFIX_LENGTH && candidate.startsWith(input)) return PREFIX_SCORE;
  const distance = editDistance(input, candidate);
  if (distance > threshold(input)) return undefined;
  // Two short words that share nothing are not a typo of each other (`qa` for `x`).
  if (distance >= Math.min(input.length, candidate.length)) return undefined;
  return distance;
}

export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.trim().toLowerCase();
  if (needle.length === 0) return undefined;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const s = score(needle, candidate.toLowerCase());
    // Strictly better only, so ties go to the earlier candidate and the answer is stable.
    if (s === undefined || s >= bestScore) continue;
    best = candidate;
    bestScore = s;
  }
  return best;
}
