import type { ReactNode } from "react";

/**
 * A table of the account pages (accounts, their audit log, one's own recent sign-ins): one
 * heading row, then the caller's rows, in the pages' `.accounts` style.
 */
export function RecordTable({ testId, headings, children }: { testId: string; headings: readonly string[]; children: ReactNode }) {
  return (
    <table className="accounts" data-testid={testId}>
      <thead>
        <tr>
          {headings.map((heading) => (
            <th key={heading}>{heading}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
