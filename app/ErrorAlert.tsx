/**
 * Why the last action failed, announced to screen readers as it appears (`role="alert"`);
 * nothing while there is no message. Every form and panel reports its refusals this way.
 */
export function ErrorAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}
