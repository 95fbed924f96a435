import type { Decider, DomainEvent } from '@app/kernel';
import type { BulletinContent } from './bulletin-content';

/**
 * A period's bulletin (通报), in the stream `bulletin-<period>-<key>`. Issuing records the content as built at a log
 * position with its checksum; issuing the same period again is a new numbered edition (the earlier ones stay as
 * issued), never a 409: an office that corrects a bulletin re-issues it.
 */
export const bulletinStream = (period: string, key: string): string => `bulletin-${period}-${key}`;

export type BulletinIssued = DomainEvent<
  'BulletinIssued',
  {
    bulletinId: string;
    period: string;
    key: string;
    /** 1 for the first issue of the period, then 2, 3 ... */
    edition: number;
    issuedBy: string;
    issuedAt: string;
    /** The log position the content was built at (the read models had applied it). */
    position: string;
    /** sha256 (hex) of canonicalJson(content). */
    checksum: string;
    content: BulletinContent;
  }
>;
export type BulletinEvent = BulletinIssued;

export interface IssueBulletin {
  type: 'IssueBulletin';
  bulletinId: string;
  period: string;
  key: string;
  position: string;
  checksum: string;
  content: BulletinContent;
  actorId: string;
  now: string;
}

export interface BulletinState {
  readonly editions: number;
}

export const bulletinDecider: Decider<IssueBulletin, BulletinState, BulletinEvent> = {
  initialState: () => ({ editions: 0 }),
  evolve: (state, event) => (event.type === 'BulletinIssued' ? { editions: Math.max(state.editions, event.data.edition) } : state),
  decide: (c, state) => [
    {
      type: 'BulletinIssued',
      data: { bulletinId: c.bulletinId, period: c.period, key: c.key, edition: state.editions + 1, issuedBy: c.actorId, issuedAt: c.now, position: c.position, checksum: c.checksum, content: c.content },
    },
  ],
};
