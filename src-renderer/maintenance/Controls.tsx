import { HARDWARE_PARTS, MACHINE_STATUSES, type ExportTarget } from '../../src-preload/contract';
import { useApi } from '../api-context';
import { useT } from '../i18n/use-t';
import { Action, useAction, useCall } from './actions';

type Machine = { status: (typeof MACHINE_STATUSES)[number] };

/** Recovery controls: camera, worker, model, machine status, bin, hardware tests, diagnostics export. */
export function Controls() {
  const t = useT();
  const api = useApi();
  const { run, confirm, view } = useAction();
  const [machine, reloadMachine, setMachine] = useCall(api.maintenance.machineStatus, undefined as Machine | undefined);
  const status = machine?.status;
  const [targets, loadTargets] = useCall(api.maintenance.exportTargets, [] as ExportTarget[]);
  const [owner, , setOwner] = useCall(api.maintenance.storeOwner, { foreign: false });
  const foreignStore = owner.foreign;
  return (
    <div className="controls" data-testid="controls">
      {view}
      {foreignStore && (
        <fieldset data-testid="foreign-store">
          <legend>{t('mt.store.foreign')}</legend>
          <p>{t('mt.store.foreignHelp')}</p>
          {(['adopt', 'start_empty'] as const).map((choice) => (
            <Action
              key={choice}
              onClick={() =>
                confirm(
                  t(`mt.store.${choice}`),
                  () =>
                    void run(
                      () => api.maintenance.resolveForeignStore({ choice }),
                      (v) => v.detail,
                    ).then((r) => r.ok && setOwner({ foreign: false })),
                )
              }
            >
              {t(`mt.store.${choice}`)}
            </Action>
          ))}
        </fieldset>
      )}
      <fieldset>
        <legend>{t('mt.controls.vision')}</legend>
        <Action
          onClick={() =>
            void run(
              () => api.maintenance.restartCamera(),
              (v) => v.detail,
            )
          }
        >
          {t('mt.controls.restartCamera')}
        </Action>
        <Action
          onClick={() =>
            void run(
              () => api.maintenance.restartWorker(),
              (v) => `restarts ${v.restarts}`,
            )
          }
        >
          {t('mt.controls.restartWorker')}
        </Action>
        <Action
          onClick={() =>
            confirm(
              t('mt.controls.rollbackModel'),
              () =>
                void run(
                  () => api.maintenance.rollbackModel(),
                  (v) => `model ${v.version ?? '(unversioned)'}`,
                ),
            )
          }
        >
          {t('mt.controls.rollbackModel')}
        </Action>
        <Action onClick={() => confirm(t('mt.controls.reloadUi'), () => void api.maintenance.reloadUi())}>
          {t('mt.controls.reloadUi')}
        </Action>
      </fieldset>
      <fieldset>
        <legend>{t('mt.controls.status')}</legend>
        {MACHINE_STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={status === s}
            className={status === s ? 'touch-button touch-button--primary' : 'touch-button'}
            onClick={() =>
              confirm(
                t(`mt.status.${s}`),
                () =>
                  void run(
                    () => api.maintenance.setMachineStatus({ status: s }),
                    (v) => {
                      setMachine({ status: v.status });
                      return t(`mt.status.${v.status}`);
                    },
                  ),
              )
            }
          >
            {t(`mt.status.${s}`)}
          </button>
        ))}
        <Action
          onClick={() =>
            confirm(
              t('mt.controls.resetBin'),
              () =>
                void run(
                  () => api.maintenance.resetBin(),
                  (v) => {
                    reloadMachine();
                    return `bin ${v.binLevelPercent} %`;
                  },
                ),
            )
          }
        >
          {t('mt.controls.resetBin')}
        </Action>
      </fieldset>
      <fieldset>
        <legend>{t('mt.controls.hardware')}</legend>
        {HARDWARE_PARTS.map((part) => (
          <Action
            key={part}
            onClick={() =>
              void run(
                () => api.maintenance.testHardware({ part }),
                (v) => `${v.ok ? 'OK' : 'FAULT'}: ${v.detail}`,
              )
            }
          >
            {t(`mt.part.${part}`)}
          </Action>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('mt.controls.export')}</legend>
        {targets.length === 0 && <p>{t('mt.controls.noDrive')}</p>}
        {targets.map((target) => (
          <Action
            key={target.path}
            onClick={() =>
              void run(
                () => api.maintenance.exportDiagnostics({ target: target.path }),
                (v) => `${v.path} (${v.files.length})`,
              )
            }
          >
            {t('mt.controls.exportTo', { path: target.path, free: String(target.freeMb) })}
          </Action>
        ))}
        <Action onClick={loadTargets}>{t('mt.controls.refresh')}</Action>
      </fieldset>
    </div>
  );
}
