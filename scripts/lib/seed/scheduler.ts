/**
 * The seed's clock: a discrete-event simulation on a 5-minute grid. Steps are queued on grid points ("slots");
 * `run` plays them in order, and the transactions of one slot go into one block with that slot's timestamp.
 */
import type { BlockBatcher } from "../block-batcher.ts";

/** Seconds between grid points: every action happens on a 5-minute slot (plus a few seconds of jitter). */
export const SLOT = 300n;
export const SLOTS_PER_HOUR = 12;
export const SLOTS_PER_DAY = 288;

/** A step of the simulation. */
export type Action = () => Promise<void>;

export class Scheduler {
  /** Timestamp of slot 0. */
  readonly t0: bigint;
  /** The last slot: steps queued later are dropped. */
  readonly endSlot: number;
  /** The slot being played (-1 before the first). */
  slot = -1;
  private readonly jitterSalt: number;
  private readonly queue = new Map<number, Action[]>();

  constructor(t0: bigint, endSlot: number, jitterSalt: number) {
    this.t0 = t0;
    this.endSlot = endSlot;
    this.jitterSalt = jitterSalt;
  }

  /** Runs `action` in `slot` (at the latest grid point after the current one); dropped past the end. */
  at(slot: number, action: Action) {
    const s = Math.max(Math.round(slot), this.slot + 1);
    if (s > this.endSlot) return;
    const list = this.queue.get(s);
    if (list) list.push(action);
    else this.queue.set(s, [action]);
  }

  /** The block timestamp of `slot`. */
  slotTime(slot: number): bigint {
    // A few seconds of jitter so that blocks do not all fall on round minutes; none on the first and last.
    const jitter =
      slot === 0 || slot === this.endSlot
        ? 0
        : (((slot * 2654435761) ^ this.jitterSalt) >>> 0) % 47;
    return this.t0 + BigInt(slot) * SLOT + BigInt(jitter);
  }

  /** The first slot at or after `time`. */
  slotOf(time: bigint): number {
    const offset = time - this.t0;
    return Number((offset + SLOT - 1n) / SLOT);
  }

  /** The slot of day `d` (may be fractional), `hour` and `minuteSlot` five-minute steps. */
  day(d: number, hour = 0, minuteSlot = 0) {
    return Math.round(d * SLOTS_PER_DAY) + hour * SLOTS_PER_HOUR + minuteSlot;
  }

  /** Plays every queued step, slot by slot, one mined block per slot; `onDay` is called as each day starts. */
  async run(blocks: BlockBatcher, onDay: (day: number) => void) {
    let loggedDay = -1;
    for (let s = 0; s <= this.endSlot; s++) {
      const actions = this.queue.get(s);
      if (!actions) continue;
      this.slot = s;
      blocks.at(this.slotTime(s));
      for (let i = 0; i < actions.length; i++) await actions[i]();
      await blocks.mine();
      this.queue.delete(s);
      const day = Math.floor(s / SLOTS_PER_DAY);
      if (day > loggedDay) {
        loggedDay = day;
        onDay(day);
      }
    }
    // End on a block at exactly the end of the history.
    const end = this.slotTime(this.endSlot);
    const latest = await blocks.latestBlock();
    if (latest.timestamp < end) await blocks.request("evm_mine", [Number(end)]);
  }
}
