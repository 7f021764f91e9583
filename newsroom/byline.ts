/** One person on a byline, in byline order. */
export interface BylinePerson {
  name: string;
  label: string;
}

/**
 * The names part of a byline line, grouping consecutive people with the same label the way
 * the desk writes it: "记者 姚宇超 通讯员 徐卫香 周汨".
 */
export function formatBylineNames(people: readonly BylinePerson[]): string {
  const parts: string[] = [];
  let previousLabel: string | null = null;
  for (const person of people) {
    if (person.label !== previousLabel) parts.push(person.label);
    parts.push(person.name);
    previousLabel = person.label;
  }
  return parts.join(" ");
}

/** A person on a byline with the account behind them (the byline panel, the import review). */
export interface BylineAccount extends BylinePerson {
  username: string;
}

/** The reporters among `accounts`, as the byline pickers offer them. */
export function bylineCandidates(
  accounts: readonly { role: string; username: string; displayName: string; bylineLabel: string }[],
): BylineAccount[] {
  return accounts
    .filter((account) => account.role === "reporter")
    .map((account) => ({ username: account.username, name: account.displayName, label: account.bylineLabel }));
}
