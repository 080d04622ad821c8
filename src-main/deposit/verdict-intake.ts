import type { ItemVerdict } from '../../src-preload/contract';
import type { Logger } from '../log/logger';
import type { DepositService } from './deposit.service';
import type { FrameStore, RgbImage } from './frame-store';

/**
 * The deposit port vision hands its verdicts to. A verdict counts only inside an open session
 * (between sessions the chamber is just watched); an accepted item's frame is kept for the platform.
 */
export class VerdictIntake {
  readonly #d: { service: () => DepositService | undefined; frames: FrameStore; logger: Logger };

  constructor(deps: { service: () => DepositService | undefined; frames: FrameStore; logger: Logger }) {
    this.#d = deps;
  }

  async take(verdict: ItemVerdict, frame: RgbImage): Promise<void> {
    const service = this.#d.service();
    if (service?.snapshot().state !== 'inserting') {
      this.#d.logger.info(`verdict outside a session ignored (${verdict.className})`);
      return;
    }
    const imagePath = verdict.accepted ? await this.#d.frames.save(frame) : undefined;
    await service
      .acceptVerdict(verdict, imagePath ? { imagePath } : {})
      .catch((error: Error) => this.#d.logger.warn(`verdict not counted: ${error.message}`));
  }
}
