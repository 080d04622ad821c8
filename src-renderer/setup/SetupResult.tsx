import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useT } from '../i18n/use-t';
import { useKioskStore } from '../stores/kiosk.store';

/** The outcome of the last step (a refusal, a connection test), announced as a status. */
export function SetupResult({ message }: { message: { ok: boolean; text: string } }) {
  return (
    <p role="status" data-testid="setup-result" className={message.ok ? 'setup-ok' : 'setup-error'}>
      {message.text}
    </p>
  );
}

/** `text` with each `{name}` of `commands` as that shell command in <code> (never translated). */
export function withCommands(text: string, commands: Readonly<Record<string, string>>): ReactNode[] {
  return text.split(/(\{\w+\})/).map((part, i) => {
    const command = /^\{(\w+)\}$/.exec(part)?.[1];
    return command && commands[command] ? <code key={i}>{commands[command]}</code> : part;
  });
}

/** An installed kiosk is a systemd service; one started from a checkout runs in Electron or headless. */
const BY_HAND = { systemctl: 'systemctl restart rvm-kiosk', start: 'npm start', serve: 'npm run serve' };
/** How long a restart may take before the screen says to restart by hand. */
export const RESTART_PATIENCE_MS = 120_000;

/**
 * The end of setup: saved, and either the kiosk restarts (this screen reloads once the link to the
 * kiosk has gone and come back: the new kiosk, set up, answers) or it must be restarted by hand.
 */
export function SetupDone({ restarting, reload }: { restarting: boolean; reload: () => void }) {
  const t = useT();
  const link = useKioskStore((s) => s.link);
  const wentAway = useRef(false);
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!restarting) return;
    if (link !== 'open') wentAway.current = true;
    else if (wentAway.current) reload();
  }, [restarting, link, reload]);
  useEffect(() => {
    if (!restarting) return;
    const timer = setTimeout(() => setLate(true), RESTART_PATIENCE_MS);
    return () => clearTimeout(timer);
  }, [restarting]);
  return (
    <section className="setup-done" data-testid="setup-done" role="status">
      <h2>{t('st.done.title')}</h2>
      <p data-testid="setup-done-text">{restarting ? t('st.savedRestarting') : withCommands(t('st.saved'), BY_HAND)}</p>
      {restarting && late ? <p>{withCommands(t('st.notBack'), BY_HAND)}</p> : null}
    </section>
  );
}
