/**
 * The steps of one story told in a browser test file, where each test continues what the one
 * before it did (a story is written, then submitted, then sent back…). Each step runs once, in
 * the first test that needs it: in file order every step runs inside its own test, as written;
 * a test run alone (`vitest run file -t "name"`) first runs the steps before it, so every
 * test stands alone. A step that failed fails every test after it with the same error.
 */
export function storyline() {
  const steps: (() => Promise<void>)[] = [];
  return {
    /** Declares the next step; the answer runs every step up to and including this one. */
    then(run: () => Promise<void>): () => Promise<void> {
      let done: Promise<void> | null = null;
      const own = () => (done ??= run());
      const before = [...steps];
      steps.push(own);
      return async () => {
        for (const earlier of before) await earlier();
        await own();
      };
    },
  };
}
