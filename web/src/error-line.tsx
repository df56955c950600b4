/** A form's or a page's error, announced to screen readers; nothing when there is none. */
export function ErrorLine({ error }: { error: string | null | undefined }) {
  if (!error) return null;
  return (
    <p role="alert" className="error">
      {error}
    </p>
  );
}
