import { cleanup, render, screen } from '@testing-library/react';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useKioskStore } from '../stores/kiosk.store';
import { Field } from './Field';
import { RESTART_PATIENCE_MS, SetupDone, SetupResult } from './SetupResult';

describe('setup form field', () => {
  afterEach(cleanup);

  it('labels its control and shows the hint inside the label', () => {
    render(
      <Field label="Camera" hint="No camera found.">
        <input data-testid="camera" />
      </Field>,
    );
    const input = screen.getByLabelText('Camera', { exact: false });
    expect(input).toBe(screen.getByTestId('camera'));
    const hint = screen.getByText('No camera found.');
    expect(hint.tagName).toBe('SMALL');
    expect(hint.closest('label')).toBe(input.closest('label'));
  });

  it('shows no hint when there is none', () => {
    const { container } = render(
      <Field label="Name">
        <input />
      </Field>,
    );
    expect(container.innerHTML).toBe('<label>Name<input></label>');
  });

  it('says what is wrong right under its control, inside the label', () => {
    render(
      <Field label="Server address" hint="Such as https://…" error="Enter the platform address">
        <input data-testid="url" />
      </Field>,
    );
    const error = screen.getByTestId('field-error');
    expect(error.textContent).toBe('Enter the platform address');
    expect(error.closest('label')?.className).toBe('setup-field--error');
    expect(screen.getByTestId('url').nextElementSibling).toBe(error);
    expect(error.nextElementSibling?.textContent).toBe('Such as https://…');
  });
});

// What the last step came to (a connection test, a refusal that names no field), once for the whole form.
describe('setup result', () => {
  afterEach(cleanup);

  it('announces an error as a status', () => {
    render(<SetupResult message={{ ok: false, text: 'wrong code' }} />);
    const status = screen.getByRole('status');
    expect(status.textContent).toBe('wrong code');
    expect(status.className).toBe('setup-error');
    expect(status.dataset.testid).toBe('setup-result');
  });

  it('shows a success the same way, styled as one', () => {
    render(<SetupResult message={{ ok: true, text: 'Setup saved.' }} />);
    expect(screen.getByRole('status').className).toBe('setup-ok');
  });

  it('names every way a kiosk is restarted by hand, in Indonesian too', () => {
    useKioskStore.setState({ locale: 'id' });
    render(<SetupDone restarting={false} reload={() => {}} />);
    const done = screen.getByTestId('setup-done-text');
    expect(done.textContent).toBe(
      'Kios ini tidak dapat memulai ulang sendiri. Untuk memakainya, mulai ulang secara manual: systemctl restart rvm-kiosk (kios terpasang), atau jalankan lagi dengan cara ia dijalankan (npm start / npm run serve).',
    );
    expect(done.querySelectorAll('code')).toHaveLength(3);
  });

  it('says to restart by hand when the restarted kiosk has not come back in time', () => {
    vi.useFakeTimers();
    try {
      useKioskStore.setState({ locale: 'en', link: 'open' });
      render(<SetupDone restarting reload={() => {}} />);
      expect(screen.queryByText(/has not come back/)).toBeNull();
      act(() => vi.advanceTimersByTime(RESTART_PATIENCE_MS));
      const late = screen.getByText(/has not come back/);
      expect([...late.querySelectorAll('code')].map((c) => c.textContent)).toEqual([
        'systemctl restart rvm-kiosk',
        'npm start',
        'npm run serve',
      ]);
      expect(late.textContent).toMatch(/\(installed kiosk\), or start it again the way it was started/);
    } finally {
      vi.useRealTimers();
    }
  });
});
