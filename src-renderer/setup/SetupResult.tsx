/** The outcome of the last step (a refusal, a connection test, the save), announced as a status. */
export function SetupResult({ message }: { message: { ok: boolean; text: string } }) {
  return (
    <p role="status" data-testid="setup-result" className={message.ok ? 'setup-ok' : 'setup-error'}>
      {message.text}
    </p>
  );
}
